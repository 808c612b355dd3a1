-- Issue 13: the client-callable functions refuse a locked-down organization
-- (20261207100200), as the restrictive policies of 20261207100300-100340 do for the
-- tables. Same signatures and grants; no table is locked.
--
-- The credential functions (store, rotate, revoke, credential_status,
-- get_integration_vault_secret_id) all ask private.credential_caller_may_manage
-- whether the caller may manage the organization's credentials. It now says
-- no to an admin of a locked-down organization, so they answer 42501 (or
-- null) exactly as for a non-admin: no lockdown oracle for outsiders, and
-- one place for the rule. service_role and postgres are never locked out.
--
-- The problem lists read no organization's data, but are for members: a
-- member now needs one organization that is not locked down, so a global
-- lockdown refuses them too. Their membership check moves into one helper.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create or replace function private.credential_caller_may_manage(p_organization_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select
        private.credential_caller_is_privileged()
        or (
            private.credential_request_role() = 'authenticated'
            and p_organization_id is not null
            and private.has_org_role(p_organization_id, 'admin')
            and not private.organization_is_locked_down(p_organization_id)
        );
$$;

comment on function private.credential_caller_may_manage(uuid) is
'True when the caller may manage the organization''s credentials: its admin while it is not locked down, '
'service_role or postgres.';

-- Every caller but a signed-in user who belongs to no organization that is
-- not locked down: service_role and postgres pass, and anon has no EXECUTE on
-- the problem lists. private.user_org_ids() is the security definer
-- membership helper of 20261127100200; it answers for the caller.
create function private.assert_may_check_config_documents()
returns void
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    if current_user = 'authenticated' and not exists (
        select 1
        from private.user_org_ids() as o (organization_id)
        where not private.organization_is_locked_down(o.organization_id)
    ) then
        raise exception 'only members of an organization that is not locked down may check configuration documents'
        using errcode = '42501';
    end if;
end;
$$;

comment on function private.assert_may_check_config_documents() is
'Raises 42501 for a signed-in user who belongs to no organization that is not locked down. For the problem lists.';

revoke all on function private.assert_may_check_config_documents() from public, anon, authenticated, service_role;
grant execute on function private.assert_may_check_config_documents() to authenticated, service_role;

create or replace function public.field_mappings_problems(p_document json)
returns text[]
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    c_max_bytes constant integer := 65536;
begin
    -- Checked before the document is looked at.
    perform private.assert_may_check_config_documents();
    -- Anything but an object is explained without converting it (the same
    -- entry as private.field_mappings_problems), and an object with more
    -- structural characters than the text form may hold is too large: refuse
    -- both before converting (see the header).
    if pg_catalog.json_typeof(p_document) <> 'object' then
        return array[pg_catalog.format('$: expected an object, got %s', pg_catalog.json_typeof(p_document))];
    end if;
    if private.config_json_is_too_large(p_document, c_max_bytes) then
        return array[pg_catalog.format('$: document is more than %s bytes, the limit is %s', c_max_bytes, c_max_bytes)];
    end if;
    return private.field_mappings_problems(p_document::jsonb, 100);
end;
$$;

comment on function public.field_mappings_problems(json) is
'Lists what is wrong with a field_mappings document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it. For members of an organization and service_role. Errors: '
'42501 for a signed-in user who belongs to no organization that is not locked down; 22P05 for \u0000, which jsonb cannot hold.';

revoke all on function public.field_mappings_problems(json) from public, anon, authenticated, service_role;
grant execute on function public.field_mappings_problems(json) to authenticated, service_role;

create or replace function public.sync_schedule_problems(p_document json)
returns text[]
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
declare
    c_max_bytes constant integer := 65536;
begin
    -- Checked before the document is looked at.
    perform private.assert_may_check_config_documents();
    if pg_catalog.json_typeof(p_document) <> 'object' then
        return array[pg_catalog.format('$: expected an object, got %s', pg_catalog.json_typeof(p_document))];
    end if;
    if private.config_json_is_too_large(p_document, c_max_bytes) then
        return array[pg_catalog.format('$: document is more than %s bytes, the limit is %s', c_max_bytes, c_max_bytes)];
    end if;
    return private.sync_schedule_problems(p_document::jsonb, 100);
end;
$$;

comment on function public.sync_schedule_problems(json) is
'Lists what is wrong with a sync_schedule document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it. For members of an organization and service_role. Errors: '
'42501 for a signed-in user who belongs to no organization that is not locked down; 22P05 for \u0000, which jsonb cannot hold.';

revoke all on function public.sync_schedule_problems(json) from public, anon, authenticated, service_role;
grant execute on function public.sync_schedule_problems(json) to authenticated, service_role;
