-- mart_headlines: the headline figures of the home page and of the report CLI.
-- Answers: for the filters, how many contracts have a known social status and how many carry a
--          social consideration; hours planned and worked; participants and their profile; the
--          dynamic exit rate at the end of the path with its known exits.
-- Grain: exactly one row.
-- Parameters: year_from, year_to, departement, epci, buyer_type, landlord, sector (same meaning
--             as in mart_contract_share for contracts and in mart_hours for people).
-- Columns: contracts_known, contracts_unknown_status, contracts_with_social_consideration,
--          share_social_consideration, contracts_with_clause, share_clause, amount_known,
--          amount_with_social_consideration, hours_planned, hours_worked, realisation_rate, fte,
--          participants, hours_per_participant, women_share, qpv_share, tenant_share,
--          dynamic_exit_rate, exits_known, exits_unknown, is_masked, mask_reason, women_share_masked,
--          qpv_share_masked, tenant_share_masked, dynamic_exit_rate_masked, exits_known_masked,
--          exits_unknown_masked (a withheld value: shown "s").
-- Masking: the people figures are the total rows of mart_hours, mart_participants and mart_exits
--          (bounded filter space, linked masks: docs/secrecy.md); procurement figures are not masked.
create or replace macro mart_headlines(
    year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, sector := null
) as table
select
    c.n_known as contracts_known,
    c.n_unknown_status as contracts_unknown_status,
    c.n_social as contracts_with_social_consideration,
    c.share_social as share_social_consideration,
    c.n_clause as contracts_with_clause,
    c.share_clause,
    c.amount_known,
    c.amount_social as amount_with_social_consideration,
    h.hours_planned,
    h.hours_worked,
    h.realisation_rate,
    h.fte,
    p.n_participants as participants,
    p.hours_per_participant,
    p.women_share,
    p.qpv_share,
    p.tenant_share,
    x.dynamic_exit_rate,
    x.n_known as exits_known,
    x.n_unknown as exits_unknown,
    p.is_masked or h.is_masked as is_masked,
    coalesce(p.mask_reason, h.mask_reason) as mask_reason,
    p.women_share_masked,
    p.qpv_share_masked,
    p.tenant_share_masked,
    x.dynamic_exit_rate_masked,
    x.n_known_masked as exits_known_masked,
    x.n_unknown_masked as exits_unknown_masked
-- the total rows of mart_hours, mart_participants and mart_exits: one disclosure rule for every figure
from mart_contract_share('total', year_from := year_from, year_to := year_to, departement := departement, epci := epci, buyer_type := buyer_type, landlord := landlord, sector := sector) as c,
     mart_hours('total', year_from := year_from, year_to := year_to, departement := departement, epci := epci, buyer_type := buyer_type, landlord := landlord, sector := sector) as h,
     mart_participants('total', year_from := year_from, year_to := year_to, departement := departement, epci := epci, buyer_type := buyer_type, landlord := landlord, sector := sector) as p,
     mart_exits('total', year_from := year_from, year_to := year_to, departement := departement, epci := epci, buyer_type := buyer_type, landlord := landlord, sector := sector) as x

