-- Issue 11: RLS at the cost of a plain query. The select policies call a
-- security definer membership helper once per statement, and that call (the
-- definer switch, the pinned search_path, the plpgsql SRF) cost more than the
-- query it protects: point lookups ran at 2-3x the same query without RLS.
--
-- private.memberships is organization_members' (user_id, organization_id,
-- role), kept by a trigger in the same statement as every change, for the
-- policies to read directly. Its own policy shows a signed-in user their own
-- rows only, so a policy's subquery on it needs no function and no recursion:
-- organization_members' policies cannot read organization_members itself.
-- 20261207110100-110140 move the select policies onto it.
-- docs/decisions/0007-select-policies-read-a-membership-mirror.md has the
-- measurements.
--
-- CREATE TRIGGER takes a SHARE ROW EXCLUSIVE lock on organization_members
-- until commit, so no membership can change between the trigger's creation
-- and the copy below: the mirror starts complete. Reads continue.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table private.memberships (
    user_id uuid not null,
    organization_id uuid not null,
    -- role is a non-reserved keyword; sqlfluff's RF04 flags it.
    role public.organization_role not null, -- noqa: RF04
    -- The policies look up one user's rows and read organization_id and role:
    -- an index-only scan.
    constraint memberships_pkey primary key (user_id, organization_id) include (role)
);

comment on table private.memberships is
'organization_members'' (user_id, organization_id, role), kept by the trigger organization_members_mirror, for the '
'select policies. A signed-in user reads their own rows. Never write it directly.';

alter table private.memberships enable row level security;

revoke all on table private.memberships from public, anon, authenticated, service_role;
grant select on table private.memberships to authenticated;

create policy memberships_select_policy
on private.memberships
for select
to authenticated
using (user_id = (select auth.uid()));

comment on policy memberships_select_policy on private.memberships is
'A signed-in user reads their own memberships: the select policies of the organization tables rely on it.';

-- No lockdown policies (GATE-LCK-01 allows this one table): a locked-down
-- organization's admins must still read its notifications, and that policy
-- finds their memberships here. The mirror shows callers only their own
-- memberships, the Data API does not expose private, and every table it leads
-- to carries the lockdown policies.

-- security definer: admins add and remove members as authenticated, which
-- may not write the mirror.
create function private.organization_members_mirror()
returns trigger
language plpgsql
volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if tg_op = 'TRUNCATE' then
        truncate private.memberships;
        return null;
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        delete from private.memberships as ms
        where ms.user_id = old.user_id and ms.organization_id = old.organization_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into private.memberships (user_id, organization_id, role)
        values (new.user_id, new.organization_id, new.role);
    end if;
    return null;
end;
$$;

comment on function private.organization_members_mirror() is
'Trigger: keeps private.memberships equal to organization_members, in the same statement.';

revoke all on function private.organization_members_mirror() from public, anon, authenticated, service_role;

-- After the row is written, so a statement that fails (OM001, a foreign key)
-- rolls the mirror back with it.
create trigger organization_members_mirror
after insert or update or delete on public.organization_members
for each row
execute function private.organization_members_mirror();

create trigger organization_members_mirror_truncate
after truncate on public.organization_members
for each statement
execute function private.organization_members_mirror();

insert into private.memberships (user_id, organization_id, role)
select
    m.user_id,
    m.organization_id,
    m.role
from public.organization_members as m;
