-- Retrieve by integration id, like store, rotate and revoke take
-- (20261127300700 retrieves by Vault secret id, so a worker first had to
-- resolve the reference). PostgreSQL cannot overload retrieve_credential(uuid)
-- on the parameter name alone, so the new function has its own name;
-- retrieve_credential(p_secret_id) stays as it is because released clients
-- call it (sync workers, docs/credentials.md). Definer functions pin
-- search_path to pg_catalog, pg_temp.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: reads vault.decrypted_secrets, which older Supabase
-- images do not grant to service_role.
create function private.retrieve_credential_by_integration(p_integration_id uuid)
returns text
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
    v_secret text;
begin
    -- Before any read: execute is granted to service_role only, and this also
    -- stops any role granted it by mistake.
    if not private.credential_caller_is_privileged() then
        raise exception 'only service_role may retrieve credentials'
        using errcode = '42501';
    end if;

    select i.organization_id, i.vault_secret_id
    into v_organization_id, v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id;

    if v_organization_id is null then
        raise exception 'integration not found'
        using errcode = 'P0002';
    end if;
    if v_linked_id is null then
        raise exception 'no credential is linked to this integration'
        using errcode = 'P0002', hint = 'Store one with public.store_credential().';
    end if;

    select d.decrypted_secret
    into v_secret
    from vault.decrypted_secrets as d
    where
        d.id = v_linked_id
        and d.name = private.credential_secret_name(p_integration_id);

    if not found then
        raise exception 'the linked credential no longer exists in Vault'
        using errcode = 'P0002', hint = 'Store a new one with public.store_credential().';
    end if;

    -- Audited: retrieval is the first thing a breach investigation asks about.
    perform private.write_credential_audit(v_organization_id, p_integration_id, v_linked_id, 'retrieve');

    return v_secret;
end;
$$;

comment on function private.retrieve_credential_by_integration(uuid) is
'Returns the plaintext of the integration''s credential to service_role or postgres, and audits it; see '
'public.retrieve_credential_by_integration. Security definer: reads vault.decrypted_secrets.';

revoke all on function private.retrieve_credential_by_integration(uuid) from public, anon, authenticated, service_role;
grant execute on function private.retrieve_credential_by_integration(uuid) to service_role;

create function public.retrieve_credential_by_integration(p_integration_id uuid)
returns text
language sql
volatile
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select private.retrieve_credential_by_integration(p_integration_id);
$$;

comment on function public.retrieve_credential_by_integration(uuid) is
'Returns the plaintext of the integration''s credential for server-side sync workers. service_role and postgres '
'only (others get 42501); P0002 for an unknown integration, nothing linked, or a secret gone from Vault. Every '
'call is audited as a retrieve.';

revoke all on function public.retrieve_credential_by_integration(uuid) from public, anon, authenticated, service_role;
grant execute on function public.retrieve_credential_by_integration(uuid) to service_role;
