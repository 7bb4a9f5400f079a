-- int_line_cuts: scalar macro, the publishable filter cuts an employment line belongs to.
-- Answers: under which filter sets of the bounded people-figure space (docs/secrecy.md) a line is
--          counted, apart from the year: no filter ('*'), or exactly one of departement, epci,
--          buyer_type, landlord (buyer organisation, SIREN), sector, operation, public (one cut per public of the
--          line). The year cut ('*' or the line's year) is crossed with these by the callers.
-- Grain: scalar. Parameters: the line's departement, epci, buyer_type, buyer_siren, sector,
--        operation_id, publics (list). Returns: list of struct(cut_attr, cut_value).
create or replace macro int_line_cuts(departement, epci, buyer_type, buyer_siren, sector, operation_id, publics) as
    list_filter(
        [{'cut_attr': '*', 'cut_value': '*'},
         {'cut_attr': 'departement', 'cut_value': departement},
         {'cut_attr': 'epci', 'cut_value': epci},
         {'cut_attr': 'buyer_type', 'cut_value': buyer_type},
         {'cut_attr': 'landlord', 'cut_value': buyer_siren},
         {'cut_attr': 'sector', 'cut_value': sector},
         {'cut_attr': 'operation', 'cut_value': operation_id}]
        || [{'cut_attr': 'public', 'cut_value': p} for p in list_distinct(coalesce(publics, []::varchar[]))],
        lambda c: c.cut_value is not null)
