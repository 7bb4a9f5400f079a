-- int_landlord_rounded: scalar macro, a benchmark value rounded as it is published.
-- Answers: the published precision of each benchmark indicator: shares and rates to the whole
--          percent (0.01), hours per participant to the hour, hours per million euros to 10 h.
--          Exact ratios would let a reader recover a landlord's numerator and denominator (a share
--          k / n gives n by continued fractions) and join indicators through them.
-- Grain: scalar. Parameters: indicator (name), v (exact value). Returns: double.
create or replace macro int_landlord_rounded(indicator, v) as
    case indicator
        when 'hours_per_million' then round(v, -1)
        when 'hours_per_participant' then round(v, 0)
        else round(v, 2)
    end
