-- Cheaper RLS: the two membership helpers every select policy calls become
-- plpgsql. Amends 20261127100200_organizations_and_members.sql.
--
-- A language sql security definer function is never inlined, and its query is
-- parsed and planned again on every call, once per statement under RLS. In
-- plpgsql the query's plan is cached for the session, which is how PostgREST's
-- pooled connections run. tools/bench_rls.py measured the point lookups at
-- roughly half the time (docs/decisions/rls-policy-cost.md). Same signatures,
-- same results, same grants; no policy changes, so no table is locked.

set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: avoids RLS recursion on organization_members (it only ever
-- answers for the caller, (select auth.uid())).
create or replace function private.user_org_ids()
returns setof uuid
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return query
    select m.organization_id
    from public.organization_members as m
    where m.user_id = (select auth.uid());
end;
$$;

-- security definer: as above.
create or replace function private.user_org_ids_with_role(p_roles public.organization_role[])
returns setof uuid
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    return query
    select m.organization_id
    from public.organization_members as m
    where
        m.user_id = (select auth.uid())
        and m.role operator(pg_catalog.=) any(p_roles);
end;
$$;
