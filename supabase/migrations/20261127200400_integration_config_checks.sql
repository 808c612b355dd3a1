-- Issue 4: enforce the version 1 schemas of field_mappings and sync_schedule
-- (validators: 20261127200200). The constraints replace the base migration's
-- object-only checks (20261127100300) under the same names, so clients that
-- match on the constraint name keep working and each column has exactly one
-- check. They are added NOT VALID: new and updated rows are checked at once,
-- existing rows are repaired and then validated by 20261127200800, without a
-- full-table scan under this migration's lock.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- The old checks only required an object; the schema checks below require
-- that too, in the same transaction, so no guarantee is lost in between.
alter table public.organization_integrations
-- squawk-ignore ban-drop-constraint
drop constraint if exists organization_integrations_field_mappings_check;

alter table public.organization_integrations
-- squawk-ignore ban-drop-constraint
drop constraint if exists organization_integrations_sync_schedule_check;

alter table public.organization_integrations
add constraint organization_integrations_field_mappings_check
check (private.field_mappings_is_valid(field_mappings)) not valid;

alter table public.organization_integrations
add constraint organization_integrations_sync_schedule_check
check (private.sync_schedule_is_valid(sync_schedule)) not valid;

comment on constraint organization_integrations_field_mappings_check on public.organization_integrations is
'field_mappings must be a valid version 1 document; public.field_mappings_problems(doc) says what is wrong.';
comment on constraint organization_integrations_sync_schedule_check on public.organization_integrations is
'sync_schedule must be a valid version 1 document; public.sync_schedule_problems(doc) says what is wrong.';
