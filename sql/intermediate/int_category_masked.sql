-- int_category_masked: scalar macro, the secrecy rule for sub-counts inside one row.
-- Answers: is count x masked, given the other counts a, b, c, d that sum with x to a shown total
--          (e.g. exit categories of a row)? Primary: 0 < x < threshold. Secondary: when exactly
--          one of the five counts is primary-masked, the smallest unmasked one is masked too.
-- Grain: scalar. Parameters: x, a, b, c, d (counts), threshold (integer). Returns: boolean.
create or replace macro int_category_masked(x, a, b, c, d, threshold) as
    (x > 0 and x < threshold)
    or (
        ((x > 0 and x < threshold)::int + (a > 0 and a < threshold)::int
         + (b > 0 and b < threshold)::int + (c > 0 and c < threshold)::int
         + (d > 0 and d < threshold)::int) = 1
        and x = least(
            case when x >= threshold then x end, case when a >= threshold then a end,
            case when b >= threshold then b end, case when c >= threshold then c end,
            case when d >= threshold then d end)
    )
