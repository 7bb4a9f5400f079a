-- int_anru_lot_kind: scalar macro, the ANRU floor a lot (or a line, through its lot) counts towards.
-- Answers: is the lot a GUP contract (neighbourhood upkeep: 10 % floor), an investment lot (works,
--          or the engineering they need: 5 % floor), or neither (null)?
-- Grain: scalar. Parameters: contract_kind, trade (codes of clause_planned / clause_hours).
-- Returns: 'gup', 'investment' or null.
create or replace macro int_anru_lot_kind(contract_kind, trade) as
    case when contract_kind = 'gup' then 'gup'
         when contract_kind = 'works' or trade = 'engineering' then 'investment' end
