-- int_people_cut: scalar macro, the cut of the bounded filter space a people-mart call asks for.
-- Answers: may figures about people be published for this filter set, and under which cut of
--          int_secrecy_cells? Allowed: the year range is all years or one single year, and at most
--          one other filter (departement, epci, buyer_type, landlord, sector, operation, public).
--          A range covering every year of the data counts as "all years".
-- Grain: scalar. Parameters: year_from, year_to, departement, epci, buyer_type, landlord, sector,
--        operation, public. Returns: struct(allowed boolean, cut_year varchar ('*' or the year),
--        cut_attr varchar ('*' or the filter's name), cut_value varchar, reason varchar (French,
--        null when allowed)).
create or replace macro int_people_cut(year_from, year_to, departement, epci, buyer_type, landlord, sector,
                                       operation, public) as
    {'allowed': (
         (year_from is null or year_from <= (select min(l.year) from int_hours_lines as l))
             and (year_to is null or year_to >= (select max(l.year) from int_hours_lines as l))
         or (year_from is not null and year_from = year_to)
         or (year_from is null and year_to is not null and year_to <= (select min(l.year) from int_hours_lines as l))
         or (year_to is null and year_from is not null and year_from >= (select max(l.year) from int_hours_lines as l)))
         and ((departement is not null)::int + (epci is not null)::int + (buyer_type is not null)::int
              + (landlord is not null)::int + (sector is not null)::int + (operation is not null)::int
              + (public is not null)::int) <= 1,
     'cut_year': case
         when (year_from is null or year_from <= (select min(l.year) from int_hours_lines as l))
              and (year_to is null or year_to >= (select max(l.year) from int_hours_lines as l)) then '*'
         when year_from is not null and year_from = year_to then year_from::varchar
         when year_from is null and year_to is not null then year_to::varchar
         else year_from::varchar end,
     'cut_attr': case when departement is not null then 'departement' when epci is not null then 'epci'
                      when buyer_type is not null then 'buyer_type' when landlord is not null then 'landlord'
                      when sector is not null then 'sector' when operation is not null then 'operation'
                      when public is not null then 'public' else '*' end,
     'cut_value': coalesce(departement, epci, buyer_type, int_siren(landlord), sector, operation, public, '*'),
     'reason': case when not (
         ((year_from is null or year_from <= (select min(l.year) from int_hours_lines as l))
             and (year_to is null or year_to >= (select max(l.year) from int_hours_lines as l))
         or (year_from is not null and year_from = year_to)
         or (year_from is null and year_to is not null and year_to <= (select min(l.year) from int_hours_lines as l))
         or (year_to is null and year_from is not null and year_from >= (select max(l.year) from int_hours_lines as l))))
         then 'Chiffres sur les personnes publiés pour toutes les années ou pour une seule année : choisir une seule année.'
         when ((departement is not null)::int + (epci is not null)::int + (buyer_type is not null)::int
              + (landlord is not null)::int + (sector is not null)::int + (operation is not null)::int
              + (public is not null)::int) > 1
         then 'Trop de filtres combinés pour publier des chiffres sur les personnes : un seul filtre parmi territoire, acheteur, bailleur, secteur, opération et public (l''année en plus).'
         end}
