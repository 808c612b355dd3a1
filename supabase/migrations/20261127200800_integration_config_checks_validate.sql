-- Issue 4: validate the schema checks added NOT VALID by 20261127200400.
-- Rows written before them may hold documents of no schema (the base
-- migration's default was '{}'). They are first repaired, not deleted:
-- public.repair_integration_configs (20261127200700) resets them to the safe
-- defaults, keeps the old documents in private.integration_config_repairs and
-- notifies the organizations' admins. Then every row passes and VALIDATE only
-- takes a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes continue.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

do $repair$
declare
    v_repaired integer;
begin
    select pg_catalog.count(*) into v_repaired from public.repair_integration_configs();
    raise notice 'repaired % integration configuration(s) before validating the checks', v_repaired;
end;
$repair$;

alter table public.organization_integrations
validate constraint organization_integrations_field_mappings_check;

alter table public.organization_integrations
validate constraint organization_integrations_sync_schedule_check;
