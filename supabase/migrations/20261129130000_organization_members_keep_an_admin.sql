-- Issue 10, part 2: membership invariants. Amends 20261127100200 (organizations
-- and members): an organization keeps at least one admin, and members may
-- leave. Demoting, deleting or moving away the last admin fails with SQLSTATE
-- OM001 for every caller, service_role included. Two exceptions, both for
-- deletions that are not a member management decision: the organization itself
-- is being deleted (its memberships go by cascade), or the user's auth account
-- is being deleted (erasure must not be blocked by a membership; the
-- organization is then left for service_role to give a new admin, see
-- docs/decisions/membership.md).
--
-- Concurrency: two admins demoting each other at once must not both succeed.
-- A before trigger locks the organization's row (for no key update, which does
-- not block foreign-key checks of inserts) before any admin membership of it
-- changes, so admin changes of one organization run one at a time; the after
-- trigger then counts the remaining admins with a fresh snapshot (read
-- committed), which sees the other transaction's committed change.
--
-- security definer functions in this file, and why:
--   private.organization_members_lock_organization: locks an organizations row,
--     which needs update rights and must pass no RLS policy of the caller
--     (a coordinator leaving cannot update the organization);
--   private.organization_members_require_admin: counts every admin of the
--     organization whatever the caller may see, and reads auth.users.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: see the header.
create function private.organization_members_lock_organization()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    -- No row when the organization is being deleted in this transaction
    -- (cascade): nothing to serialize then.
    perform 1
    from public.organizations as o
    where o.id = old.organization_id
    for no key update;

    if tg_op = 'DELETE' then
        return old;
    end if;
    return new;
end;
$$;

comment on function private.organization_members_lock_organization() is
'Trigger: before an admin membership is updated or deleted, locks its organization row so admin changes of one '
'organization are serialized. Security definer: locks a row the caller may not update.';

-- Triggers fire without an execute check: nobody needs to call it.
revoke all on function private.organization_members_lock_organization()
from public, anon, authenticated, service_role;

-- security definer: see the header.
create function private.organization_members_require_admin()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_admins bigint;
begin
    -- Still an admin of the same organization: nothing was taken away.
    if
        tg_op = 'UPDATE'
        and new.role = 'admin'
        and new.organization_id = old.organization_id
    then
        return null;
    end if;

    -- The organization is being deleted: its memberships go with it.
    if not exists (select 1 from public.organizations as o where o.id = old.organization_id) then
        return null;
    end if;

    -- The user's account is being deleted (cascade from auth.users): erasure
    -- wins over the invariant; the decision record says why.
    if tg_op = 'DELETE' and not exists (select 1 from auth.users as u where u.id = old.user_id) then
        return null;
    end if;

    if pg_catalog.current_setting('transaction_isolation') = 'read committed' then
        -- A fresh snapshot, taken after the before trigger got the organization
        -- lock: it sees every committed admin change of this organization.
        select pg_catalog.count(*)
        into v_admins
        from public.organization_members as m
        where
            m.organization_id = old.organization_id
            and m.role = 'admin';
    else
        -- repeatable read and serializable keep the transaction's first
        -- snapshot, which may predate a concurrent demotion. Locking the admin
        -- rows makes such a transaction fail with 40001 (or 40P01) instead of
        -- counting an admin that is gone.
        select pg_catalog.count(*)
        into v_admins
        from (
            select 1
            from public.organization_members as m
            where
                m.organization_id = old.organization_id
                and m.role = 'admin'
            for share
        ) as locked;
    end if;

    if v_admins = 0 then
        raise exception 'an organization must keep at least one admin'
        using
            errcode = 'OM001',
            detail = pg_catalog.format('organization %s would have no admin left', old.organization_id),
            hint = 'Make another member an admin first, or ask for the organization to be deleted.';
    end if;

    return null;
end;
$$;

comment on function private.organization_members_require_admin() is
'Trigger: after an admin membership is demoted, moved or deleted, raises OM001 if its organization has no admin left '
'(unless the organization or the user''s account is being deleted). Security definer: counts rows the caller may '
'not see and reads auth.users.';

-- Triggers fire without an execute check: nobody needs to call it.
revoke all on function private.organization_members_require_admin()
from public, anon, authenticated, service_role;

create trigger organization_members_lock_organization
before update or delete on public.organization_members
for each row
when (old.role = 'admin')
execute function private.organization_members_lock_organization();

-- After row triggers run at the end of the statement, so a statement that
-- swaps roles (promotes one admin while demoting another) is judged on its
-- result.
create trigger organization_members_require_admin
after update or delete on public.organization_members
for each row
when (old.role = 'admin')
execute function private.organization_members_require_admin();

-- Members can leave: the delete policy also matches the caller's own
-- membership. The last admin still cannot leave (OM001 above).
alter policy organization_members_delete_policy
on public.organization_members
to authenticated
using (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
    or user_id = (select auth.uid())
);

comment on policy organization_members_delete_policy on public.organization_members is
'Organization admins can remove members from their organization; every member can leave (delete their own '
'membership). The last admin cannot be removed (trigger organization_members_require_admin, OM001).';
