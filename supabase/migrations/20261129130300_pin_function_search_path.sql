-- Issue 10, part 4: temporary objects shadow types. With `search_path = ''`
-- PostgreSQL still looks up relation and type names in pg_temp first, so a
-- caller who runs `create temp table text (x int)` makes `text`, `uuid` or
-- `jsonb` in these bodies resolve to their temporary table's row type, and
-- store_credential and others fail in that session. Naming pg_temp
-- explicitly, last, makes pg_catalog win. Amends every function created by
-- 20261127100100 through 20261127600200 (all still `search_path = ''`).
--
-- The list is explicit (every function by signature, reviewed against
-- pg_proc) rather than a query over the catalog, so each change is visible
-- here, and a signature that no longer exists fails the migration (the
-- regprocedure cast) instead of being skipped. It is a loop of
-- `alter function ... set search_path = pg_catalog, pg_temp` only because the
-- SQL linter cannot parse a list value in ALTER FUNCTION ... SET.
-- supabase/tests/91_function_gates.test.sql (GATE-FN-01) requires this setting
-- of every security definer function from now on; invoker functions get it too
-- because the definer functions call them.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

do $pin$
declare
    v_function pg_catalog.regprocedure;
begin
    foreach v_function in array array[
        -- security definer
        'private.check_vault_secret_reference()',
        'private.delete_credential_with_integration()',
        'private.emergency_revoke_credentials(uuid, text, boolean)',
        'private.get_integration_vault_secret_id(uuid)',
        'private.has_org_role(uuid, public.organization_role)',
        'private.is_org_member(uuid)',
        'private.list_dangling_credential_references()',
        'private.retrieve_credential(uuid)',
        'private.revoke_credential(uuid)',
        'private.rotate_credential(uuid, text)',
        'private.store_credential(uuid, text)',
        'private.user_org_ids()',
        'private.user_org_ids_with_role(public.organization_role[])',
        -- security invoker: the definer functions call them
        'private.assert_valid_credential_secret(text)',
        'private.authorize_credential_change(uuid)',
        'private.credential_caller_is_privileged()',
        'private.credential_caller_may_manage(uuid)',
        'private.credential_request_role()',
        'private.credential_secret_name(uuid)',
        'private.cron_expression_is_valid(text)',
        'private.cron_expression_problems(text)',
        'private.cron_value(integer, text)',
        'private.field_mappings_is_valid(jsonb)',
        'private.field_mappings_problems(jsonb, integer)',
        'private.is_iana_timezone(text)',
        'private.jsonpath_member(text)',
        'private.set_updated_at()',
        'private.sync_schedule_is_valid(jsonb)',
        'private.sync_schedule_problems(jsonb, integer)',
        'private.write_credential_audit(uuid, uuid, uuid, text, jsonb)',
        'public.emergency_revoke_credentials(uuid, text, boolean)',
        'public.field_mappings_problems(jsonb)',
        'public.get_integration_vault_secret_id(uuid)',
        'public.list_dangling_credential_references()',
        'public.repair_integration_configs(boolean, uuid, uuid, uuid)',
        'public.retrieve_credential(uuid)',
        'public.revoke_credential(uuid)',
        'public.rotate_credential(uuid, text)',
        'public.store_credential(uuid, text)',
        'public.sync_schedule_problems(jsonb)'
    ]::pg_catalog.regprocedure[]
    loop
        execute pg_catalog.format('alter function %s set search_path = pg_catalog, pg_temp', v_function);
    end loop;
end;
$pin$;
