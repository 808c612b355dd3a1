-- Amends store, rotate and revoke (20261127300700) and their helpers
-- (20261127300600): one read of the integration per call. Before, each
-- function read the row once to authorize the caller
-- (private.authorize_credential_change) and again with FOR UPDATE, and store
-- kept a P0002 branch after the second read that could no longer fire. Now
-- each reads the row once, with FOR UPDATE, and then checks the caller with
-- private.assert_may_manage_credential. The answers are unchanged: 42501 for
-- a caller who may not manage it (unknown ids included, so no existence
-- oracle), P0002 for a privileged caller and an unknown id, then 22023 for a
-- bad secret. A non-admin's FOR UPDATE is released by the 42501 that ends the
-- statement, so they can at most wait for a lock, never hold one.
-- authorize_credential_change has no caller left and is dropped. Definer
-- functions pin search_path to pg_catalog, pg_temp.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Raises 42501 unless the caller may manage credentials of the organization
-- (null for an unknown integration, which no admin manages), and P0002 for a
-- privileged caller and an unknown integration.
create function private.assert_may_manage_credential(p_organization_id uuid)
returns void
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    if not private.credential_caller_may_manage(p_organization_id) then
        raise exception 'not allowed to manage the credential of this integration'
        using errcode = '42501';
    end if;
    if p_organization_id is null then
        raise exception 'integration not found'
        using errcode = 'P0002';
    end if;
end;
$$;

comment on function private.assert_may_manage_credential(uuid) is
'Raises 42501 unless the caller may manage the organization''s credentials (also for an unknown integration, given '
'null), and P0002 for privileged callers when the integration does not exist. For the credential functions.';

-- Only the postgres-owned credential functions call it.
revoke all on function private.assert_may_manage_credential(uuid) from public, anon, authenticated, service_role;

-- store_credential

-- security definer: calls vault.create_secret / vault.update_secret and
-- writes vault_secret_id, which the callers may not do themselves.
create or replace function private.store_credential(p_integration_id uuid, p_secret text)
returns uuid
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
    v_secret_id uuid;
    v_name text := private.credential_secret_name(p_integration_id);
    v_created boolean := false;
begin
    -- The one read: locked, which serializes concurrent stores for the integration.
    select i.organization_id, i.vault_secret_id
    into v_organization_id, v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id
    for update;

    perform private.assert_may_manage_credential(v_organization_id);
    perform private.assert_valid_credential_secret(p_secret);

    -- The linked secret, or one kept in Vault through a rollback: either way
    -- it carries this integration's unique name, so replace its value in
    -- place rather than create a second one.
    select s.id
    into v_secret_id
    from vault.secrets as s
    where s.name = v_name;

    if v_secret_id is null then
        v_created := true;
        v_secret_id := vault.create_secret(
            p_secret,
            v_name,
            pg_catalog.format(
                'Credential of integration %s (organization %s). Managed by public.store_credential().',
                p_integration_id,
                v_organization_id
            )
        );
    else
        perform vault.update_secret(v_secret_id, p_secret);
    end if;

    if v_linked_id is distinct from v_secret_id then
        update public.organization_integrations as i
        set vault_secret_id = v_secret_id
        where i.id = p_integration_id;
    end if;

    perform private.write_credential_audit(
        v_organization_id,
        p_integration_id,
        v_secret_id,
        'store',
        pg_catalog.jsonb_build_object('created', v_created)
    );

    return v_secret_id;
end;
$$;

revoke all on function private.store_credential(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.store_credential(uuid, text) to authenticated, service_role;

-- rotate_credential

-- security definer: calls vault.update_secret on the caller's behalf.
create or replace function private.rotate_credential(p_integration_id uuid, p_new_secret text)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
begin
    select i.organization_id, i.vault_secret_id
    into v_organization_id, v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id
    for update;

    perform private.assert_may_manage_credential(v_organization_id);
    perform private.assert_valid_credential_secret(p_new_secret);

    if v_linked_id is null then
        raise exception 'no credential is linked to this integration'
        using errcode = 'P0002', hint = 'Store one with public.store_credential().';
    end if;
    if not exists (select 1 from vault.secrets as s where s.id = v_linked_id) then
        raise exception 'the linked credential no longer exists in Vault'
        using errcode = 'P0002', hint = 'Store a new one with public.store_credential().';
    end if;

    -- In place: vault_secret_id does not change.
    perform vault.update_secret(v_linked_id, p_new_secret);

    perform private.write_credential_audit(v_organization_id, p_integration_id, v_linked_id, 'rotate');
end;
$$;

revoke all on function private.rotate_credential(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.rotate_credential(uuid, text) to authenticated, service_role;

-- revoke_credential

-- security definer: deletes from vault.secrets on the caller's behalf.
create or replace function private.revoke_credential(p_integration_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
    v_deleted_ids uuid[];
begin
    select i.organization_id, i.vault_secret_id
    into v_organization_id, v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id
    for update;

    perform private.assert_may_manage_credential(v_organization_id);

    -- One transaction: unlink and deactivate, then delete the secret (and any
    -- copy kept under this integration's name through a rollback).
    update public.organization_integrations as i
    set
        vault_secret_id = null,
        status = 'inactive'
    where i.id = p_integration_id;

    with deleted as (
        delete from vault.secrets as s
        where
            s.id = v_linked_id
            or s.name = private.credential_secret_name(p_integration_id)
        returning s.id
    )

    select pg_catalog.array_agg(d.id) into v_deleted_ids
    from deleted as d;

    perform private.write_credential_audit(
        v_organization_id,
        p_integration_id,
        v_linked_id,
        'revoke',
        pg_catalog.jsonb_build_object('deleted_vault_secret_ids', coalesce(v_deleted_ids, '{}'::uuid[]))
    );
end;
$$;

revoke all on function private.revoke_credential(uuid) from public, anon, authenticated, service_role;
grant execute on function private.revoke_credential(uuid) to authenticated, service_role;

-- No caller is left. A private helper that only postgres could execute, so
-- no client can depend on it.
-- squawk-ignore ban-drop-function
drop function private.authorize_credential_change(uuid);
