-- Issue 13: the lockdown's restrictive policies on
-- public.organization_members, as 20261207100300 explains for organizations: one
-- per command, to anon and authenticated, folded out of every plan while no
-- lockdown is active.
--
-- Creating a policy takes an ACCESS EXCLUSIVE lock on its table until
-- commit. One table per migration, so that the migration never holds one
-- table while it waits for another: with all five in one transaction, a
-- client holding one table and waiting for the next deadlocked with it
-- (tools/bench_upgrade.py, 1,000,000 rows, 3 of 538 client transactions).
-- lock_timeout bounds the wait behind long transactions.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

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
