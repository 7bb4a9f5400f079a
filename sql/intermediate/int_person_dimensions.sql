-- int_person_dimensions: scalar macro, the breakdown values a person's attributes give.
-- Answers: which value a person (an employment line's, or a path's) takes in each person breakdown
--          of the people marts: gender, age_band, qualification, qpv_resident, tenant_of_buyer,
--          residence_commune, residence_epci ('unknown' when missing; yes / no / unknown for the
--          booleans, int_yes_no). Used by int_hours_dimensions (lines) and
--          int_participant_dimensions_dynamic (paths), so that both tables take the same values.
--          Age bands and qualification levels are sorted by their codes' order (int_dimension_labels).
-- Grain: scalar. Parameters: gender, age_band, qualification (level code), qpv_resident,
--        tenant_of_buyer (booleans), residence_commune, residence_epci (codes).
-- Returns: list of struct(dim, dim_value, dim_order), one per dimension (dim_order null).
create or replace macro int_person_dimensions(
    gender, age_band, qualification, qpv_resident, tenant_of_buyer, residence_commune, residence_epci
) as [
    {'dim': 'gender', 'dim_value': coalesce(gender, 'unknown'), 'dim_order': null::bigint},
    {'dim': 'age_band', 'dim_value': coalesce(age_band, 'unknown'), 'dim_order': null::bigint},
    {'dim': 'qualification', 'dim_value': coalesce(qualification, 'unknown'), 'dim_order': null::bigint},
    {'dim': 'qpv_resident', 'dim_value': int_yes_no(qpv_resident), 'dim_order': null::bigint},
    {'dim': 'tenant_of_buyer', 'dim_value': int_yes_no(tenant_of_buyer), 'dim_order': null::bigint},
    {'dim': 'residence_commune', 'dim_value': coalesce(residence_commune, 'unknown'), 'dim_order': null::bigint},
    {'dim': 'residence_epci', 'dim_value': coalesce(residence_epci, 'unknown'), 'dim_order': null::bigint}
]
