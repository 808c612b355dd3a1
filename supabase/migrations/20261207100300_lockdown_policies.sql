-- Issue 13: enforces the lockdown of 20261207100200 on every table the API
-- roles can reach: one restrictive policy per table and command, to anon and
-- authenticated. PostgreSQL ANDs restrictive policies with the permissive
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
-- way (docs/decisions/0006-lockdown-folded-into-plans.md, tools/bench_rls.py). Unwrapped on purpose:
-- `(select ...)` would add an InitPlan per statement, and GATE-RLS-08 lets
-- immutable calls without arguments stand alone for this reason. A global
-- lockdown is a null element: `x <> all` over an array holding a null is
-- never true, so it admits no row at all.
--
-- Creating a policy takes an ACCESS EXCLUSIVE lock on its table for an
-- instant: lock_timeout bounds the wait behind long transactions.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- organizations

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

-- organization_members

create policy organization_members_lockdown_select_policy
on public.organization_members
as restrictive
for select
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_members_lockdown_select_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_members_lockdown_insert_policy
on public.organization_members
as restrictive
for insert
to anon, authenticated
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_members_lockdown_insert_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_members_lockdown_update_policy
on public.organization_members
as restrictive
for update
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
)
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_members_lockdown_update_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_members_lockdown_delete_policy
on public.organization_members
as restrictive
for delete
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_members_lockdown_delete_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

-- organization_integrations

create policy organization_integrations_lockdown_select_policy
on public.organization_integrations
as restrictive
for select
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_integrations_lockdown_select_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_integrations_lockdown_insert_policy
on public.organization_integrations
as restrictive
for insert
to anon, authenticated
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_integrations_lockdown_insert_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_integrations_lockdown_update_policy
on public.organization_integrations
as restrictive
for update
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
)
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_integrations_lockdown_update_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_integrations_lockdown_delete_policy
on public.organization_integrations
as restrictive
for delete
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_integrations_lockdown_delete_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

-- organization_notifications

create policy organization_notifications_lockdown_select_policy
on public.organization_notifications
as restrictive
for select
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
    -- The exception: admins read their organization's notifications.
    or organization_id = any(
        array(select private.user_org_ids_with_role(array['admin']::public.organization_role[]))
    )
);

comment on policy organization_notifications_lockdown_select_policy on public.organization_notifications is
'Lockdown: no row of a locked-down organization, except to its admins.';

create policy organization_notifications_lockdown_insert_policy
on public.organization_notifications
as restrictive
for insert
to anon, authenticated
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_notifications_lockdown_insert_policy on public.organization_notifications is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_notifications_lockdown_update_policy
on public.organization_notifications
as restrictive
for update
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
)
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_notifications_lockdown_update_policy on public.organization_notifications is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy organization_notifications_lockdown_delete_policy
on public.organization_notifications
as restrictive
for delete
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy organization_notifications_lockdown_delete_policy on public.organization_notifications is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

-- credential_audit

create policy credential_audit_lockdown_select_policy
on public.credential_audit
as restrictive
for select
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy credential_audit_lockdown_select_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy credential_audit_lockdown_insert_policy
on public.credential_audit
as restrictive
for insert
to anon, authenticated
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy credential_audit_lockdown_insert_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy credential_audit_lockdown_update_policy
on public.credential_audit
as restrictive
for update
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
)
with check (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy credential_audit_lockdown_update_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';

create policy credential_audit_lockdown_delete_policy
on public.credential_audit
as restrictive
for delete
to anon, authenticated
using (
    pg_catalog.cardinality(private.locked_organization_ids()) = 0
    or organization_id <> all(private.locked_organization_ids())
);

comment on policy credential_audit_lockdown_delete_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.locked_organization_ids()).';
