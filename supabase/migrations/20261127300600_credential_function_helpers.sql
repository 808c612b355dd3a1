-- Helpers shared by the credential functions in 20261127300700: who is
-- calling, may they manage an organization's credentials (checked before
-- anything else), is a secret acceptable, and the audit write. They are
-- security invoker and executable by nobody but their owner: only the
-- postgres-owned security definer credential functions call them, so they
-- always run as postgres.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- Inside a security definer function current_user is the owner, so the
-- caller is identified from the request instead: the role PostgREST switched
-- to with SET ROLE (the `role` setting, which only a member of that role can
-- set), or, when no role was set, the session user. auth.role() is not used:
-- it reads a JWT claim that any SQL session could overwrite.
create function private.credential_request_role()
returns text
language sql
stable
security invoker
set search_path = ''
as $$
    select coalesce(nullif(pg_catalog.current_setting('role'), 'none'), session_user::text);
$$;

comment on function private.credential_request_role() is
'Role of the request: the role set by SET ROLE (PostgREST), else the session user. For the credential functions.';

revoke all on function private.credential_request_role() from public, anon, authenticated, service_role;

-- service_role (the secret API key) and a direct postgres session (no request
-- role: migrations, the SQL editor, pg_cron) are privileged.
create function private.credential_caller_is_privileged()
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
    select private.credential_request_role() in ('service_role', 'postgres');
$$;

comment on function private.credential_caller_is_privileged() is
'True when the request runs as service_role or as postgres. For the credential functions.';

revoke all on function private.credential_caller_is_privileged() from public, anon, authenticated, service_role;

-- An organization's credentials are managed by its admins (role
-- authenticated, JWT sub an admin member) and by privileged callers. A null
-- organization (unknown integration) is never managed by an admin, so an
-- unknown id and another organization's id get the same answer.
create function private.credential_caller_may_manage(p_organization_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = ''
as $$
    select
        private.credential_caller_is_privileged()
        or (
            private.credential_request_role() = 'authenticated'
            and p_organization_id is not null
            and private.has_org_role(p_organization_id, 'admin')
        );
$$;

comment on function private.credential_caller_may_manage(uuid) is
'True when the caller may manage the organization''s credentials: its admin, service_role or postgres.';

revoke all on function private.credential_caller_may_manage(uuid) from public, anon, authenticated, service_role;

-- Authorization first, for store, rotate and revoke: returns the
-- integration's organization, or raises 42501 when the caller may not manage
-- it. An unknown id gets the same 42501 as another organization's, so there is
-- no existence oracle; only a privileged caller learns P0002.
create function private.authorize_credential_change(p_integration_id uuid)
returns uuid
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
    v_organization_id uuid;
begin
    select i.organization_id
    into v_organization_id
    from public.organization_integrations as i
    where i.id = p_integration_id;

    if not private.credential_caller_may_manage(v_organization_id) then
        raise exception 'not allowed to manage the credential of this integration'
        using errcode = '42501';
    end if;
    if v_organization_id is null then
        raise exception 'integration not found'
        using errcode = 'P0002';
    end if;
    return v_organization_id;
end;
$$;

comment on function private.authorize_credential_change(uuid) is
'Organization of the integration if the caller may manage its credential; 42501 otherwise, P0002 for privileged '
'callers when it does not exist. For the credential functions.';

revoke all on function private.authorize_credential_change(uuid) from public, anon, authenticated, service_role;

-- Rejects a null, empty or whitespace-only secret and one over 65,536 bytes,
-- with 22023. The messages never include the value.
create function private.assert_valid_credential_secret(p_secret text)
returns void
language plpgsql
immutable
security invoker
set search_path = ''
as $$
begin
    if p_secret is null or p_secret operator(pg_catalog.!~) '[^[:space:]]' then
        raise exception 'a credential must not be null, empty or only whitespace'
        using errcode = '22023';
    end if;
    if pg_catalog.octet_length(p_secret) > 65536 then
        raise exception 'a credential must not exceed 65536 bytes'
        using errcode = '22023';
    end if;
end;
$$;

comment on function private.assert_valid_credential_secret(text) is
'Raises 22023 for a null, blank or over-65,536-byte credential; never echoes it.';

revoke all on function private.assert_valid_credential_secret(text) from public, anon, authenticated, service_role;

-- Appends one audit row for the current request. Never pass it a secret.
create function private.write_credential_audit(
    p_organization_id uuid,
    p_integration_id uuid,
    p_vault_secret_id uuid,
    p_action_name text,
    p_details jsonb default '{}'::jsonb
)
returns void
language sql
volatile
security invoker
set search_path = ''
as $$
    insert into public.credential_audit (
        organization_id, integration_id, vault_secret_id, action_name, actor_user_id, actor_role, details
    )
    values (
        p_organization_id,
        p_integration_id,
        p_vault_secret_id,
        p_action_name,
        auth.uid(),
        private.credential_request_role(),
        coalesce(p_details, '{}'::jsonb)
    );
$$;

comment on function private.write_credential_audit(uuid, uuid, uuid, text, jsonb) is
'Appends a credential_audit row for the current request (who, what, which integration, when). No secrets.';

revoke all on function private.write_credential_audit(uuid, uuid, uuid, text, jsonb)
from public, anon, authenticated, service_role;
