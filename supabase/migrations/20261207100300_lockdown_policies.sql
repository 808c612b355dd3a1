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
-- Cost. Each policy is one uncorrelated subquery, evaluated once per
-- statement as an InitPlan over the active rows (the partial unique index),
-- and then `organization_id <> all(array)` per row. No function is called,
-- which measured cheapest (docs/decisions/lockdown.md, tools/bench_rls.py).
-- A global lockdown is the row whose organization_id is null: `x <> all`
-- over an array holding a null is never true, so it admits no row at all.
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
    id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organizations_lockdown_select_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organizations_lockdown_insert_policy
on public.organizations
as restrictive
for insert
to anon, authenticated
with check (
    id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organizations_lockdown_insert_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organizations_lockdown_update_policy
on public.organizations
as restrictive
for update
to anon, authenticated
using (
    id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
)
with check (
    id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organizations_lockdown_update_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organizations_lockdown_delete_policy
on public.organizations
as restrictive
for delete
to anon, authenticated
using (
    id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organizations_lockdown_delete_policy on public.organizations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

-- organization_members

create policy organization_members_lockdown_select_policy
on public.organization_members
as restrictive
for select
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_members_lockdown_select_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_members_lockdown_insert_policy
on public.organization_members
as restrictive
for insert
to anon, authenticated
with check (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_members_lockdown_insert_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_members_lockdown_update_policy
on public.organization_members
as restrictive
for update
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
)
with check (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_members_lockdown_update_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_members_lockdown_delete_policy
on public.organization_members
as restrictive
for delete
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_members_lockdown_delete_policy on public.organization_members is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

-- organization_integrations

create policy organization_integrations_lockdown_select_policy
on public.organization_integrations
as restrictive
for select
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_integrations_lockdown_select_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_integrations_lockdown_insert_policy
on public.organization_integrations
as restrictive
for insert
to anon, authenticated
with check (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_integrations_lockdown_insert_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_integrations_lockdown_update_policy
on public.organization_integrations
as restrictive
for update
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
)
with check (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_integrations_lockdown_update_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_integrations_lockdown_delete_policy
on public.organization_integrations
as restrictive
for delete
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_integrations_lockdown_delete_policy on public.organization_integrations is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

-- organization_notifications

create policy organization_notifications_lockdown_select_policy
on public.organization_notifications
as restrictive
for select
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
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
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_notifications_lockdown_insert_policy on public.organization_notifications is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_notifications_lockdown_update_policy
on public.organization_notifications
as restrictive
for update
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
)
with check (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_notifications_lockdown_update_policy on public.organization_notifications is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy organization_notifications_lockdown_delete_policy
on public.organization_notifications
as restrictive
for delete
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy organization_notifications_lockdown_delete_policy on public.organization_notifications is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

-- credential_audit

create policy credential_audit_lockdown_select_policy
on public.credential_audit
as restrictive
for select
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy credential_audit_lockdown_select_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy credential_audit_lockdown_insert_policy
on public.credential_audit
as restrictive
for insert
to anon, authenticated
with check (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy credential_audit_lockdown_insert_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy credential_audit_lockdown_update_policy
on public.credential_audit
as restrictive
for update
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
)
with check (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy credential_audit_lockdown_update_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';

create policy credential_audit_lockdown_delete_policy
on public.credential_audit
as restrictive
for delete
to anon, authenticated
using (
    organization_id <> all(
        array(
            select l.organization_id from private.organization_lockdowns as l
            where l.lifted_at is null
        )
    )
);

comment on policy credential_audit_lockdown_delete_policy on public.credential_audit is
'Lockdown: no row of a locked-down organization (private.organization_lockdowns).';
