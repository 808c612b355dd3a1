-- Issue 10, part 1: the client problem lists are for members of an
-- organization only. Amends 20261127200200, whose wrappers let any signed-in
-- user call them, anonymous sign-ins and users of no organization included.
-- Their work is bounded now (20261129120000), but only an organization's
-- admins write configurations, so a caller outside every organization has no
-- use for them: such a call gets 42501 before the document is looked at. The
-- reasoning: docs/integration-config.md, section "Who may call the problem
-- lists". Grants are unchanged (authenticated and service_role).
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- stable, no longer immutable: the answer depends on who asks.
create or replace function public.field_mappings_problems(p_document jsonb)
returns text[]
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    -- Every caller but a signed-in user who belongs to no organization:
    -- service_role and postgres pass, and anon has no EXECUTE. Checked before
    -- the document is looked at. private.user_org_ids() is the security
    -- definer membership helper of 20261127100200; it answers for the caller.
    if current_user = 'authenticated' and not exists (select 1 from private.user_org_ids()) then
        raise exception 'only members of an organization may check configuration documents'
        using errcode = '42501';
    end if;
    return private.field_mappings_problems(p_document, 100);
end;
$$;

comment on function public.field_mappings_problems(jsonb) is
'Lists what is wrong with a field_mappings document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it. For members of an organization and service_role. '
'Errors: 42501 for a signed-in user who belongs to no organization.';

revoke all on function public.field_mappings_problems(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.field_mappings_problems(jsonb) to authenticated, service_role;

create or replace function public.sync_schedule_problems(p_document jsonb)
returns text[]
language plpgsql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
begin
    -- Every caller but a signed-in user who belongs to no organization:
    -- service_role and postgres pass, and anon has no EXECUTE. Checked before
    -- the document is looked at. private.user_org_ids() is the security
    -- definer membership helper of 20261127100200; it answers for the caller.
    if current_user = 'authenticated' and not exists (select 1 from private.user_org_ids()) then
        raise exception 'only members of an organization may check configuration documents'
        using errcode = '42501';
    end if;
    return private.sync_schedule_problems(p_document, 100);
end;
$$;

comment on function public.sync_schedule_problems(jsonb) is
'Lists what is wrong with a sync_schedule document as "<json path>: <reason>" (at most 100 entries); '
'empty when the database would accept it. For members of an organization and service_role. '
'Errors: 42501 for a signed-in user who belongs to no organization.';

revoke all on function public.sync_schedule_problems(jsonb) from public, anon, authenticated, service_role;
grant execute on function public.sync_schedule_problems(jsonb) to authenticated, service_role;
