-- mart_build_info: when and from what the database was built, and with which settings.
-- Answers: build date, data label (demonstration or real data), region, files, failures, app
--          version; plus the settings the SQL layer applied (rows 'setting.<name>'; file paths left out).
-- Grain: one row per key.
-- Columns: key, value.
select key, value from build_info
union all
select 'setting.' || name, value from settings where name not like '%_path'
