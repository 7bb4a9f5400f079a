-- mart_unresolved_buyers: buyer identifiers that designate no organisation.
-- Answers: which malformed buyer identifiers (not 14 digits for a SIRET nor 9 for a SIREN) could
--          not be resolved through the buyers register or an exact normalised name match
--          (stg_buyer_establishments)? Their contracts and lines count under « non renseigné » in
--          buyer breakdowns and are never offered as a landlord; each is listed once here, with the
--          malformed identifiers that were resolved (and how) for checking.
-- Grain: one row per malformed buyer identifier.
-- Columns: buyer_siret (as read), buyer_name, buyer_type, resolution (`register_name`, `name`,
--          `unresolved`), buyer_siren (organisation found, null when unresolved),
--          organisation_name, n_rows (records naming it).
select
    e.buyer_siret,
    e.buyer_name,
    e.buyer_type,
    e.resolution,
    e.buyer_siren,
    o.buyer_name as organisation_name,
    e.n_rows
from stg_buyer_establishments as e
left join int_organisations as o using (buyer_siren)
where e.resolution not in ('siret', 'siren')
order by e.resolution = 'unresolved' desc, e.n_rows desc, e.buyer_siret
