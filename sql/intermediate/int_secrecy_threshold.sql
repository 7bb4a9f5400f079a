-- int_secrecy_threshold: scalar macro, the statistical-secrecy threshold of a cell.
-- Answers: under how many people a cell is masked: settings.secrecy_threshold (default 5), or
--          settings.secrecy_threshold_sensitive (default 11) when the cell crosses a sensitive
--          public (RQTH, minimum income) with a commune or a QPV.
-- Grain: scalar. Parameters: sensitive (boolean). Returns: integer.
create or replace macro int_secrecy_threshold(sensitive) as
    case when coalesce(sensitive, false)
         then (select secrecy_threshold_sensitive from stg_settings)
         else (select secrecy_threshold from stg_settings) end
