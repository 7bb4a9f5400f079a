-- int_in_range: scalar macro, the bound rule of every range filter (years, dates).
-- Answers: does x lie within [low, high], a missing bound (null) meaning "no bound"?
-- Grain: scalar. Parameters: x (the row's value), low, high (the filter's bounds, null = open).
--        Returns: boolean (null when x is null and a bound is set, i.e. not kept by a where).
create or replace macro int_in_range(x, low, high) as
    (low is null or x >= low) and (high is null or x <= high)
