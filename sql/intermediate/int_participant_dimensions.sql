-- int_participant_dimensions: table macro, each participant's path once per breakdown dimension.
-- Answers: which value a participant takes for each breakdown of mart_participants and mart_exits
--          (see int_participant_dimensions_dynamic for the dimensions and columns). Without any
--          filter it reads the materialised int_participant_dimensions_all (fast page loads);
--          with a filter it computes the paths from the filtered lines.
-- Grain: one row per participant x dimension x value.
-- Parameters: dimension (null = every dimension), year_from, year_to, departement, epci, buyer_type, landlord, sector, operation, public.
-- Columns: as int_participant_dimensions_dynamic.
create or replace macro int_participant_dimensions(
    dimension := null, year_from := null, year_to := null, departement := null, epci := null, buyer_type := null,
    landlord := null, sector := null, operation := null, public := null
) as table
select *
from int_participant_dimensions_all as a
where (dimension is null or a.dim in (dimension, 'total'))
  and year_from is null and year_to is null and departement is null and epci is null
  and buyer_type is null and landlord is null and sector is null and operation is null
  and public is null
union all by name
select *
from int_participant_dimensions_dynamic(
    dimension := dimension, year_from := year_from, year_to := year_to, departement := departement, epci := epci,
    buyer_type := buyer_type, landlord := landlord, sector := sector, operation := operation,
    public := public)
where not (year_from is null and year_to is null and departement is null and epci is null
           and buyer_type is null and landlord is null and sector is null and operation is null
           and public is null)
