-- int_wilson_interval: scalar macro, the Wilson score 95 % confidence interval of a proportion.
-- Answers: the lower (bound = -1) or upper (bound = 1) limit of the interval around k / n, so that
--          small committees see how uncertain a rate is. z = 1.959964.
-- Grain: scalar. Parameters: k (successes), n (trials), bound (-1 or 1). Returns: double, null when n = 0.
create or replace macro int_wilson_interval(k, n, bound) as
    case when n > 0 then
        (
            (k::double / n) + 1.959964 ^ 2 / (2 * n)
            + bound * 1.959964 * sqrt((k::double / n) * (1 - k::double / n) / n + 1.959964 ^ 2 / (4 * n ^ 2))
        ) / (1 + 1.959964 ^ 2 / n)
    end
