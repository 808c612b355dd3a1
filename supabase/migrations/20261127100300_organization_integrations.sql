-- Per-organization integrations with external providers (CRM, ERP, ...).
-- Holds configuration only: credentials never go in this table (a later
-- migration will reference Vault). Admins and coordinators read; admins write.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create type public.integration_status as enum ('inactive', 'active', 'error');

comment on type public.integration_status is
'Lifecycle of an integration. New integrations start inactive.';

create table public.organization_integrations (
    id uuid not null default pg_catalog.gen_random_uuid(),
    organization_id uuid not null,
    -- provider is a non-reserved keyword; sqlfluff's RF04 flags it.
    provider text not null, -- noqa: RF04
    display_name text,
    status public.integration_status not null default 'inactive',
    -- Versioned schemas for both jsonb columns come in a later migration;
    -- until then only require an object.
    field_mappings jsonb not null default '{}'::jsonb,
    sync_schedule jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default pg_catalog.now(),
    updated_at timestamptz not null default pg_catalog.now(),
    created_by uuid default auth.uid(),
    constraint organization_integrations_pkey primary key (id),
    constraint organization_integrations_organization_id_fkey foreign key (organization_id)
    references public.organizations (id) on delete cascade,
    constraint organization_integrations_created_by_fkey foreign key (created_by)
    references auth.users (id) on delete set null,
    constraint organization_integrations_provider_check check (
        pg_catalog.char_length(pg_catalog.btrim(provider)) between 1 and 100
    ),
    constraint organization_integrations_display_name_check check (
        display_name is null or pg_catalog.char_length(display_name) <= 200
    ),
    constraint organization_integrations_field_mappings_check check (
        pg_catalog.jsonb_typeof(field_mappings) = 'object'
    ),
    constraint organization_integrations_sync_schedule_check check (
        pg_catalog.jsonb_typeof(sync_schedule) = 'object'
    )
);

-- Every policy filters on organization_id through this index.
create index organization_integrations_organization_id_idx
on public.organization_integrations (organization_id);
create index organization_integrations_created_by_idx
on public.organization_integrations (created_by);

comment on table public.organization_integrations is
'Integration configuration per organization. No credentials: secrets belong in Vault, never in this table.';
comment on column public.organization_integrations.organization_id is
'Owning organization; every RLS policy on this table is keyed on it.';
comment on column public.organization_integrations.created_by is
'User who created the integration; defaults to auth.uid() and cannot be set by API clients.';
comment on column public.organization_integrations.field_mappings is
'Mapping between provider fields and ours. Must not contain credentials.';
comment on column public.organization_integrations.sync_schedule is
'When to sync. Must not contain credentials.';

create trigger organization_integrations_set_updated_at
before update on public.organization_integrations
for each row execute function private.set_updated_at();

alter table public.organization_integrations enable row level security;

-- Legacy default privileges grant all (even truncate) to the API roles:
-- start from nothing and grant exactly what the policies below expect.
revoke all on table public.organization_integrations from public, anon, authenticated, service_role;
grant select, delete on table public.organization_integrations to authenticated;
-- Column lists keep id, created_at, updated_at and created_by out of clients'
-- hands, and stop an integration from being moved to another organization.
grant insert (organization_id, provider, display_name, status, field_mappings, sync_schedule)
on table public.organization_integrations to authenticated;
grant update (provider, display_name, status, field_mappings, sync_schedule)
on table public.organization_integrations to authenticated;
grant select, insert, update, delete on table public.organization_integrations to service_role;

-- Policies
-- `organization_id = any(array(select ...))` evaluates the helper once per
-- statement and lets the planner use organization_integrations_organization_id_idx;
-- `organization_id in (select ...)` would be checked row by row.

create policy organization_integrations_select_policy
on public.organization_integrations
for select
to authenticated
using (
    organization_id = any(
        array(select private.user_org_ids_with_role(array['admin', 'coordinator']::public.organization_role[]))
    )
);

comment on policy organization_integrations_select_policy on public.organization_integrations is
'Organization admins and coordinators can read integrations.';

create policy organization_integrations_insert_policy
on public.organization_integrations
for insert
to authenticated
with check (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organization_integrations_insert_policy on public.organization_integrations is
'Organization admins can create integrations.';

create policy organization_integrations_update_policy
on public.organization_integrations
for update
to authenticated
using (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
)
with check (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organization_integrations_update_policy on public.organization_integrations is
'Organization admins can update integrations.';

create policy organization_integrations_delete_policy
on public.organization_integrations
for delete
to authenticated
using (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organization_integrations_delete_policy on public.organization_integrations is
'Organization admins can delete integrations.';
