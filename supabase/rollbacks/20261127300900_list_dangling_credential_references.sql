-- Rollback of the vault_secret_id group, migrations 20261127300100 to
-- 20261127300900 (Supabase has no down migrations). Removes the credential
-- functions, the triggers, chk_active_integration_has_vault_ref and the
-- vault_secret_id column, gives authenticated back its table-wide SELECT,
-- and deletes the group's versions from supabase_migrations.schema_migrations
-- so that `supabase migration up` applies them again.
--
-- Loses no reference: no Vault secret is deleted, and each one carries its
-- integration's name ('integration_credential:<id>'), so re-applying
-- 20261127300500 links every one of them again before it deactivates active
-- rows without a reference. Kept as they are: public.credential_audit
-- (20261127300000, not part of the group) and the rows 20261127300500 set to
-- inactive. Safe to run twice. How to run it: docs/credentials.md.
--
-- Runs only while this group is the newest: if any later migration is
-- recorded, it refuses (55000) before changing anything, because later
-- migrations use what it drops (20261127600200 calls
-- private.revoke_credential) and would stay recorded as applied, so that
-- re-applying the group would run out of order. Undo those first, newest
-- first, or fix forward with a new migration.
begin;

set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- No migration may be recorded while this runs: the check below stays true
-- until commit.
lock table supabase_migrations.schema_migrations in share mode;

do $newest$
declare
    v_newer text[];
begin
    select pg_catalog.array_agg(m.version order by m.version)
    into v_newer
    from supabase_migrations.schema_migrations as m
    where m.version > '20261127300900';

    if v_newer is not null then
        raise exception 'rollback refused: % migration(s) newer than 20261127300900 are recorded (newest %)',
            pg_catalog.cardinality(v_newer), v_newer[pg_catalog.cardinality(v_newer)]
        using
            errcode = '55000',
            detail = 'Recorded after this group: ' || pg_catalog.array_to_string(v_newer, ', ') || '.',
            hint = 'Roll back the newer migrations first, newest first, or fix forward with a new migration.';
    end if;
end
$newest$;

-- Refuse to run if a reference could not be linked again after re-applying:
-- one whose secret is missing (dangling) or carries another name. Fix those
-- first with public.store_credential() or public.revoke_credential().
do $check$
declare
    v_lost bigint;
begin
    if exists (
        select 1
        from pg_catalog.pg_attribute as a
        where
            a.attrelid = 'public.organization_integrations'::regclass
            and a.attname = 'vault_secret_id'
            and not a.attisdropped
    ) then
        execute $sql$
            select pg_catalog.count(*)
            from public.organization_integrations as i
            where
                i.vault_secret_id is not null
                and not exists (
                    select 1
                    from vault.secrets as s
                    where
                        s.id = i.vault_secret_id
                        and s.name = 'integration_credential:' || i.id::text
                )
        $sql$
        into v_lost;

        if v_lost > 0 then
            raise exception 'rollback refused: % vault_secret_id references could not be restored', v_lost
            using
                errcode = '55000',
                hint = 'Run public.list_dangling_credential_references() and store or revoke those credentials.';
        end if;
    end if;
end
$check$;

-- Later additions to the group's credential API (20261129100200-100400).
-- The check above refuses while they are recorded; these drops only matter if
-- an operator undid those migrations by hand and left their functions behind,
-- which would otherwise call helpers dropped below.
drop function if exists public.retrieve_credential_by_integration(uuid);
drop function if exists private.retrieve_credential_by_integration(uuid);
drop function if exists public.credential_status(uuid);
drop function if exists private.credential_status(uuid);
drop function if exists private.assert_may_manage_credential(uuid);

-- 20261127300900_list_dangling_credential_references
drop function if exists public.list_dangling_credential_references();
drop function if exists private.list_dangling_credential_references();

-- 20261127300800_delete_credential_with_integration
drop trigger if exists organization_integrations_delete_credential on public.organization_integrations;
drop function if exists private.delete_credential_with_integration();

-- 20261127300700_credential_functions
drop function if exists public.get_integration_vault_secret_id(uuid);
drop function if exists private.get_integration_vault_secret_id(uuid);
drop function if exists public.revoke_credential(uuid);
drop function if exists private.revoke_credential(uuid);
drop function if exists public.retrieve_credential(uuid);
drop function if exists private.retrieve_credential(uuid);
drop function if exists public.rotate_credential(uuid, text);
drop function if exists private.rotate_credential(uuid, text);
drop function if exists public.store_credential(uuid, text);
drop function if exists private.store_credential(uuid, text);

-- 20261127300600_credential_function_helpers
drop function if exists private.write_credential_audit(uuid, uuid, uuid, text, jsonb);
drop function if exists private.assert_valid_credential_secret(text);
drop function if exists private.authorize_credential_change(uuid);
drop function if exists private.credential_caller_may_manage(uuid);
drop function if exists private.credential_caller_is_privileged();
drop function if exists private.credential_request_role();

-- 20261127300500_validate_chk_active_integration_has_vault_ref: its data
-- changes stay (rows it deactivated remain inactive; its audit rows remain).
-- 20261127300400_chk_active_integration_has_vault_ref
alter table public.organization_integrations
drop constraint if exists chk_active_integration_has_vault_ref;

-- 20261127300300_vault_secret_id_referential_integrity (the unique index
-- goes with the column below)
drop trigger if exists organization_integrations_check_vault_secret_id on public.organization_integrations;
drop function if exists private.check_vault_secret_reference();
drop function if exists private.credential_secret_name(uuid);

-- 20261127300200_guard_no_credential_columns created nothing.

-- 20261127300100_organization_integrations_vault_secret_id
-- A table-level REVOKE also removes the per-column SELECT grants; then the
-- table-wide SELECT of 20261127100300 comes back once the column is gone.
revoke select on table public.organization_integrations from authenticated;
alter table public.organization_integrations drop column if exists vault_secret_id;
grant select on table public.organization_integrations to authenticated;

delete from supabase_migrations.schema_migrations
where version in (
    '20261127300100',
    '20261127300200',
    '20261127300300',
    '20261127300400',
    '20261127300500',
    '20261127300600',
    '20261127300700',
    '20261127300800',
    '20261127300900'
);

commit;
