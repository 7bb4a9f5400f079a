-- int_yes_no: scalar macro, the yes_no code of a boolean attribute (qpv_resident, tenant_of_buyer...).
-- Answers: which value of the `yes_no` code domain (stg_codes) a boolean takes in a breakdown.
-- Grain: scalar. Parameters: b (boolean). Returns: 'yes', 'no', or 'unknown' when b is null.
create or replace macro int_yes_no(b) as
    case b when true then 'yes' when false then 'no' else 'unknown' end
