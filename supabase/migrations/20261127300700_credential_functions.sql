-- The credential RPC API. Each public function is a security invoker wrapper
-- around a security definer function in private (Supabase's advisor flags
-- definer functions that anon or authenticated can execute in an exposed
-- schema). Only the private functions, owned by postgres, touch Vault; no API
-- role needs any privilege on vault. Each one authorizes its caller first
-- (42501 for unknown and foreign integrations alike, so there is no existence
-- oracle), then checks input (22023), then acts, and appends an audit row.
-- Error messages never contain a secret.
--
-- security definer functions in this file, and why:
--   private.store_credential, private.rotate_credential, private.revoke_credential:
--     call vault.create_secret / vault.update_secret, delete from vault.secrets,
--     and write vault_secret_id, none of which the callers may do themselves;
--   private.retrieve_credential: reads vault.decrypted_secrets, which older
--     Supabase images do not grant to service_role;
--   private.get_integration_vault_secret_id: reads vault_secret_id, which
--     authenticated may not select.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- store_credential

-- security definer: see the header.
create function private.store_credential(p_integration_id uuid, p_secret text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
    v_secret_id uuid;
    v_name text := private.credential_secret_name(p_integration_id);
    v_created boolean := false;
begin
    v_organization_id := private.authorize_credential_change(p_integration_id);

    perform private.assert_valid_credential_secret(p_secret);

    -- Serializes concurrent stores for the same integration.
    select i.vault_secret_id
    into v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id
    for update;

    if not found then
        raise exception 'integration not found'
        using errcode = 'P0002';
    end if;

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

comment on function private.store_credential(uuid, text) is
'Creates or replaces the integration''s Vault secret and links it; see public.store_credential. '
'Security definer: uses Vault and writes vault_secret_id on the caller''s behalf after authorizing them.';

revoke all on function private.store_credential(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.store_credential(uuid, text) to authenticated, service_role;

create function public.store_credential(p_integration_id uuid, p_secret text)
returns uuid
language sql
volatile
security invoker
set search_path = ''
as $$
    select private.store_credential(p_integration_id, p_secret);
$$;

comment on function public.store_credential(uuid, text) is
'Stores the integration''s credential in Vault and links it in vault_secret_id; returns the secret id. If one is '
'already linked, replaces its value in place and returns the same id. Admins of the organization and service_role. '
'Errors: 42501 not allowed (also for unknown ids), P0002 unknown integration (service_role), 22023 bad secret.';

revoke all on function public.store_credential(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.store_credential(uuid, text) to authenticated, service_role;

-- rotate_credential

-- security definer: see the header.
create function private.rotate_credential(p_integration_id uuid, p_new_secret text)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
begin
    v_organization_id := private.authorize_credential_change(p_integration_id);

    perform private.assert_valid_credential_secret(p_new_secret);

    select i.vault_secret_id
    into v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id
    for update;

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

comment on function private.rotate_credential(uuid, text) is
'Replaces the value of the integration''s linked Vault secret in place; see public.rotate_credential. '
'Security definer: calls vault.update_secret on the caller''s behalf after authorizing them.';

revoke all on function private.rotate_credential(uuid, text) from public, anon, authenticated, service_role;
grant execute on function private.rotate_credential(uuid, text) to authenticated, service_role;

create function public.rotate_credential(p_integration_id uuid, p_new_secret text)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
    select private.rotate_credential(p_integration_id, p_new_secret);
$$;

comment on function public.rotate_credential(uuid, text) is
'Replaces the linked credential in place (vault_secret_id does not change). Admins of the organization and '
'service_role. Errors: 42501 not allowed (also for unknown ids), P0002 unknown integration or nothing linked, '
'22023 bad secret.';

revoke all on function public.rotate_credential(uuid, text) from public, anon, authenticated, service_role;
grant execute on function public.rotate_credential(uuid, text) to authenticated, service_role;

-- retrieve_credential

-- security definer: see the header.
create function private.retrieve_credential(p_secret_id uuid)
returns text
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
    v_integration_id uuid;
    v_organization_id uuid;
    v_secret text;
begin
    -- Execute is granted to service_role only; this check also stops any
    -- other role that might be granted it by mistake.
    if not private.credential_caller_is_privileged() then
        raise exception 'only service_role may retrieve credentials'
        using errcode = '42501';
    end if;

    -- Only integration credentials: any other Vault secret is "unknown" here.
    select i.id, i.organization_id
    into v_integration_id, v_organization_id
    from public.organization_integrations as i
    where i.vault_secret_id = p_secret_id;

    if v_integration_id is null then
        raise exception 'no integration credential has this id'
        using errcode = 'P0002';
    end if;

    select d.decrypted_secret
    into v_secret
    from vault.decrypted_secrets as d
    where d.id = p_secret_id;

    if not found then
        raise exception 'the credential no longer exists in Vault'
        using errcode = 'P0002';
    end if;

    -- Audited: retrieval is the first thing a breach investigation asks about.
    perform private.write_credential_audit(v_organization_id, v_integration_id, p_secret_id, 'retrieve');

    return v_secret;
end;
$$;

comment on function private.retrieve_credential(uuid) is
'Returns the plaintext of an integration credential to service_role or postgres, and audits it; see '
'public.retrieve_credential. Security definer: reads vault.decrypted_secrets, which service_role may lack.';

revoke all on function private.retrieve_credential(uuid) from public, anon, authenticated, service_role;
grant execute on function private.retrieve_credential(uuid) to service_role;

create function public.retrieve_credential(p_secret_id uuid)
returns text
language sql
volatile
security invoker
set search_path = ''
as $$
    select private.retrieve_credential(p_secret_id);
$$;

comment on function public.retrieve_credential(uuid) is
'Returns the plaintext credential for server-side sync workers. service_role and postgres only (others get 42501); '
'P0002 for an id that is no integration''s credential. Every call is audited.';

revoke all on function public.retrieve_credential(uuid) from public, anon, authenticated, service_role;
grant execute on function public.retrieve_credential(uuid) to service_role;

-- revoke_credential

-- security definer: see the header.
create function private.revoke_credential(p_integration_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
    v_deleted_ids uuid[];
begin
    v_organization_id := private.authorize_credential_change(p_integration_id);

    select i.vault_secret_id
    into v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id
    for update;

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

comment on function private.revoke_credential(uuid) is
'Deletes the integration''s Vault secret, clears vault_secret_id and sets status inactive; see '
'public.revoke_credential. Security definer: deletes from vault.secrets on the caller''s behalf after authorizing them.';

revoke all on function private.revoke_credential(uuid) from public, anon, authenticated, service_role;
grant execute on function private.revoke_credential(uuid) to authenticated, service_role;

create function public.revoke_credential(p_integration_id uuid)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
    select private.revoke_credential(p_integration_id);
$$;

comment on function public.revoke_credential(uuid) is
'In one transaction: deletes the Vault secret, clears vault_secret_id and sets status to inactive. Admins of the '
'organization and service_role. Errors: 42501 not allowed (also for unknown ids), P0002 unknown integration.';

revoke all on function public.revoke_credential(uuid) from public, anon, authenticated, service_role;
grant execute on function public.revoke_credential(uuid) to authenticated, service_role;

-- get_integration_vault_secret_id

-- security definer: see the header.
create function private.get_integration_vault_secret_id(p_integration_id uuid)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
    select i.vault_secret_id
    from public.organization_integrations as i
    where
        i.id = p_integration_id
        and private.credential_caller_may_manage(i.organization_id);
$$;

comment on function private.get_integration_vault_secret_id(uuid) is
'The integration''s vault_secret_id for its admins, service_role and postgres; null for anyone else. '
'Security definer: authenticated may not select vault_secret_id.';

revoke all on function private.get_integration_vault_secret_id(uuid) from public, anon, authenticated, service_role;
grant execute on function private.get_integration_vault_secret_id(uuid) to authenticated, service_role;

create function public.get_integration_vault_secret_id(p_integration_id uuid)
returns uuid
language sql
stable
security invoker
set search_path = ''
as $$
    select private.get_integration_vault_secret_id(p_integration_id);
$$;

comment on function public.get_integration_vault_secret_id(uuid) is
'Returns vault_secret_id to an admin of the integration''s organization or to service_role; null to coordinators, '
'other organizations, non-members and for unknown ids. anon cannot execute it.';

revoke all on function public.get_integration_vault_secret_id(uuid) from public, anon, authenticated, service_role;
grant execute on function public.get_integration_vault_secret_id(uuid) to authenticated, service_role;
