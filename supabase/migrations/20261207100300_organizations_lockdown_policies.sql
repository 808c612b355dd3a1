-- Issue 13: enforces the lockdown of 20261207100200 on every table the API
-- roles can reach: one restrictive policy per table and command, to anon and
-- authenticated; this file for organizations, 20261207100310-100340 for the
-- other four tables. PostgreSQL ANDs restrictive policies with the permissive
-- ones, so while an organization is locked down no permissive policy, not
-- even a wrong one added later, lets those roles read or change its rows:
-- selects and deletes skip them, updates change nothing, inserts fail with
-- 42501. service_role bypasses RLS and keeps working.
--
-- The one exception: an organization's admins still read its notifications,
-- so that they learn of the lockdown and of the revoke that usually follows.
--
-- Cost. private.locked_organization_ids() is folded into the plan as a
-- constant array, and with no lockdown the whole expression folds to true:
-- `cardinality('{}') = 0 or ...` is true, and the planner drops the policy
-- from the plan. During a lockdown each policy is `organization_id <>
-- all('{...}')` per row; no query or function call runs per statement either
-- way (docs/decisions/0006-lockdown-folded-into-plans.md,
-- tools/bench_rls.py). Unwrapped on purpose: `(select ...)` would add an
-- InitPlan per statement, and GATE-RLS-08 lets immutable calls without
-- arguments stand alone for this reason. A global lockdown is a null
-- element: `x <> all` over an array holding a null is never true, so it
-- admits no row at all.
--
-- Creating a policy takes an ACCESS EXCLUSIVE lock on its table until
-- commit. One table per migration, so that the migration never holds one
-- table while it waits for another: with all five in one transaction, a
-- client holding one table and waiting for the next deadlocked with it
-- (tools/bench_upgrade.py, 1,000,000 rows, 3 of 538 client transactions).
-- lock_timeout bounds the wait behind long transactions.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create policy organizations_lockdown_select_policy
on public.organizations
as restrictive
for select
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or id <> all(private.locked_organization_ids())
);

comment on policy organizations_lockdown_select_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organizations_lockdown_insert_policy
on public.organizations
as restrictive
for insert
to anon, authenticated
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or id <> all(private.locked_organization_ids())
);

comment on policy organizations_lockdown_insert_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organizations_lockdown_update_policy
on public.organizations
as restrictive
for update
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or id <> all(private.locked_organization_ids())
)
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or id <> all(private.locked_organization_ids())
);

comment on policy organizations_lockdown_update_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organizations_lockdown_delete_policy
on public.organizations
as restrictive
for delete
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or id <> all(private.locked_organization_ids())
);

comment on policy organizations_lockdown_delete_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';
