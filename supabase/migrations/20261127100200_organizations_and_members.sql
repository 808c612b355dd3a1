-- Organizations (tenants) and their members with a role per membership.
-- Adds the private role-check helpers every tenant-scoped policy uses, and the
-- RLS policies for both tables. Organizations are created by service_role
-- (back office); authenticated users never insert or delete them.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create type public.organization_role as enum ('admin', 'coordinator');

comment on type public.organization_role is
'Role of a user in an organization. admin manages the organization, its members and integrations.';

-- organizations

create table public.organizations (
    id uuid not null default pg_catalog.gen_random_uuid(),
    -- name is a non-reserved keyword; sqlfluff's RF04 flags it.
    name text not null, -- noqa: RF04
    created_at timestamptz not null default pg_catalog.now(),
    updated_at timestamptz not null default pg_catalog.now(),
    constraint organizations_pkey primary key (id),
    constraint organizations_name_check check (
        pg_catalog.char_length(pg_catalog.btrim(name)) between 1 and 200
    )
);

comment on table public.organizations is
'Tenants. Members read their organization; admins rename it; only service_role creates or deletes it.';

create trigger organizations_set_updated_at
before update on public.organizations
for each row execute function private.set_updated_at();

alter table public.organizations enable row level security;

-- Legacy default privileges grant all (even truncate) to the API roles:
-- start from nothing and grant exactly what the policies below expect.
revoke all on table public.organizations from public, anon, authenticated, service_role;
grant select on table public.organizations to authenticated;
-- Only the name is editable; id and timestamps cannot be rewritten.
grant update (name) on table public.organizations to authenticated;
grant select, insert, update, delete on table public.organizations to service_role;

-- organization_members

create table public.organization_members (
    organization_id uuid not null,
    user_id uuid not null,
    -- role is a non-reserved keyword; sqlfluff's RF04 flags it.
    role public.organization_role not null, -- noqa: RF04
    created_at timestamptz not null default pg_catalog.now(),
    constraint organization_members_pkey primary key (organization_id, user_id),
    constraint organization_members_organization_id_fkey foreign key (organization_id)
    references public.organizations (id) on delete cascade,
    constraint organization_members_user_id_fkey foreign key (user_id)
    references auth.users (id) on delete cascade
);

-- organization_id is covered by the primary key; user_id needs its own index
-- (FK lookups on user delete, and the helpers below filter on it).
create index organization_members_user_id_idx on public.organization_members (user_id);

comment on table public.organization_members is
'Membership of a user in an organization. Members see their organization''s list; admins manage it.';
comment on column public.organization_members.role is
'Grants access: admin manages the organization, members and integrations; coordinator reads integrations.';

alter table public.organization_members enable row level security;

revoke all on table public.organization_members from public, anon, authenticated, service_role;
grant select, delete on table public.organization_members to authenticated;
-- A membership cannot be moved to another organization or user, only re-roled;
-- created_at cannot be forged.
grant insert (organization_id, user_id, role) on table public.organization_members to authenticated;
grant update (role) on table public.organization_members to authenticated;
grant select, insert, update, delete on table public.organization_members to service_role;

-- Role-check helpers
-- All four are security definer for the same reason: the policies on
-- organization_members (and every tenant table) must read organization_members.
-- Read as the caller, that read would apply organization_members' own policies
-- again and recurse. They only ever answer for the caller, (select auth.uid()),
-- so they reveal nothing the caller may not know.

-- security definer: avoids RLS recursion on organization_members (see above).
create function private.is_org_member(p_organization_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.organization_members as m
        where
            m.organization_id = p_organization_id
            and m.user_id = (select auth.uid())
    );
$$;

comment on function private.is_org_member(uuid) is
'True if the calling user is a member of the organization. Security definer to avoid RLS recursion.';

revoke all on function private.is_org_member(uuid) from public, anon, authenticated, service_role;
grant execute on function private.is_org_member(uuid) to authenticated, service_role;

-- security definer: avoids RLS recursion on organization_members (see above).
create function private.has_org_role(p_organization_id uuid, p_role public.organization_role)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from public.organization_members as m
        where
            m.organization_id = p_organization_id
            and m.user_id = (select auth.uid())
            and m.role = p_role
    );
$$;

comment on function private.has_org_role(uuid, public.organization_role) is
'True if the calling user holds exactly this role in the organization. Security definer to avoid RLS recursion.';

revoke all on function private.has_org_role(uuid, public.organization_role)
from public, anon, authenticated, service_role;
grant execute on function private.has_org_role(uuid, public.organization_role) to authenticated, service_role;

-- security definer: avoids RLS recursion on organization_members (see above).
-- Policies call it as `col = any(array(select private.user_org_ids()))`: the
-- array is computed once per statement and the comparison uses the index.
create function private.user_org_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
    select m.organization_id
    from public.organization_members as m
    where m.user_id = (select auth.uid());
$$;

comment on function private.user_org_ids() is
'Organizations the calling user belongs to, any role. For policies: '
'organization_id = any(array(select private.user_org_ids())). Security definer to avoid RLS recursion.';

revoke all on function private.user_org_ids() from public, anon, authenticated, service_role;
grant execute on function private.user_org_ids() to authenticated, service_role;

-- security definer: avoids RLS recursion on organization_members (see above).
create function private.user_org_ids_with_role(p_roles public.organization_role[])
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
    select m.organization_id
    from public.organization_members as m
    where
        m.user_id = (select auth.uid())
        and m.role = any(p_roles);
$$;

comment on function private.user_org_ids_with_role(public.organization_role[]) is
'Organizations where the calling user holds one of the given roles. For policies: organization_id = '
'any (array(select private.user_org_ids_with_role(...))). Security definer to avoid RLS recursion.';

revoke all on function private.user_org_ids_with_role(public.organization_role[])
from public, anon, authenticated, service_role;
grant execute on function private.user_org_ids_with_role(public.organization_role[]) to authenticated, service_role;

-- Policies: organizations
-- No insert or delete policy: only service_role (bypassrls) creates or removes
-- organizations.

create policy organizations_select_policy
on public.organizations
for select
to authenticated
using (
    id = any(array(select private.user_org_ids()))
);

comment on policy organizations_select_policy on public.organizations is
'Members of an organization can read it.';

create policy organizations_update_policy
on public.organizations
for update
to authenticated
using (
    id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
)
with check (
    id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organizations_update_policy on public.organizations is
'Organization admins can update their organization.';

-- Policies: organization_members

create policy organization_members_select_policy
on public.organization_members
for select
to authenticated
using (
    organization_id = any(array(select private.user_org_ids()))
);

comment on policy organization_members_select_policy on public.organization_members is
'Members of an organization can read its member list.';

create policy organization_members_insert_policy
on public.organization_members
for insert
to authenticated
with check (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organization_members_insert_policy on public.organization_members is
'Organization admins can add members to their organization.';

create policy organization_members_update_policy
on public.organization_members
for update
to authenticated
using (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
)
with check (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organization_members_update_policy on public.organization_members is
'Organization admins can change member roles in their organization.';

create policy organization_members_delete_policy
on public.organization_members
for delete
to authenticated
using (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organization_members_delete_policy on public.organization_members is
'Organization admins can remove members from their organization.';
