-- Amends the Vault integrity trigger of 20261127300300: an integration may be,
-- or become, active only while its vault_secret_id points at an existing
-- Vault secret with its name. Before, the trigger fired only when the
-- reference or the id was written, so after a secret was deleted outside the
-- credential functions (e.g. in the dashboard) `set status = 'active'` still
-- succeeded. Now it also fires on writes of status, and the error names its
-- constraint (organization_integrations_check_vault_secret_id, the trigger's
-- name) so that clients can tell it from a real foreign key's 23503.
-- Deactivating a row whose secret is gone stays possible. Rows already active
-- with such a reference are set inactive here, never deleted, and counted per
-- organization in credential_audit, as 20261127300500 did.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: must read vault.secrets whoever writes the row;
-- authenticated has no Vault access and service_role may have none either.
-- It reads one row by primary key and reveals nothing but "valid or not".
create or replace function private.check_vault_secret_reference()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- Nothing linked: chk_active_integration_has_vault_ref (23514) decides
    -- whether the row may be active.
    if new.vault_secret_id is null then
        return new;
    end if;

    -- The reference and the id are as they were and the row is not active,
    -- e.g. deactivating an integration whose secret was deleted: nothing to check.
    if
        tg_op = 'UPDATE'
        and new.vault_secret_id is not distinct from old.vault_secret_id
        and new.id is not distinct from old.id
        and new.status::text <> 'active'
    then
        return new;
    end if;

    if not exists (
        select 1
        from vault.secrets as s
        where
            s.id = new.vault_secret_id
            and s.name = private.credential_secret_name(new.id)
    ) then
        raise exception 'vault_secret_id must reference an existing Vault secret of this integration'
        using
            errcode = '23503',
            constraint = 'organization_integrations_check_vault_secret_id',
            schema = 'public',
            table = 'organization_integrations',
            column = 'vault_secret_id',
            hint = 'Link credentials with public.store_credential(); never set vault_secret_id directly.';
    end if;

    return new;
end;
$$;

comment on function private.check_vault_secret_reference() is
'Trigger: rejects with 23503 (constraint organization_integrations_check_vault_secret_id) a vault_secret_id that is '
'not an existing Vault secret of this integration, when the reference or id is written and whenever the row is '
'or becomes active. Security definer because the writer may have no access to vault.secrets.';

-- Triggers fire without an execute check: nobody needs to call it.
revoke all on function private.check_vault_secret_reference() from public, anon, authenticated, service_role;

-- Existing rows that the new rule would refuse: active, with a reference that
-- is not a live secret of theirs. The trigger below is not in place yet, and
-- the old one does not fire on status.
with deactivated as (
    update public.organization_integrations as i
    set status = 'inactive'
    where
        i.status = 'active'
        and i.vault_secret_id is not null
        and not exists (
            select 1
            from vault.secrets as s
            where
                s.id = i.vault_secret_id
                and s.name = private.credential_secret_name(i.id)
        )
    returning i.id, i.organization_id
)

insert into public.credential_audit (organization_id, action_name, actor_role, details)
select
    d.organization_id,
    'deactivate_missing_credential' as action_name,
    current_user as actor_role,
    pg_catalog.jsonb_build_object(
        'migration', '20261129100100',
        'count', pg_catalog.count(*),
        'integration_ids', pg_catalog.jsonb_agg(d.id order by d.id)
    ) as details
from deactivated as d
group by d.organization_id;

-- Same name, now also on status. CREATE OR REPLACE swaps it in one step.
create or replace trigger organization_integrations_check_vault_secret_id
before insert or update of vault_secret_id, id, status on public.organization_integrations
for each row execute function private.check_vault_secret_reference();
