-- Issue 4: notifications for an organization's admins. The first kind is
-- 'integration_config_repaired', written by public.repair_integration_configs
-- (20261127200700): one row per organization and repair run, listing the
-- integrations that were reset and why. Admins read their organization's rows
-- under RLS; only service_role writes.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table public.organization_notifications (
    id uuid not null default pg_catalog.gen_random_uuid(),
    organization_id uuid not null,
    kind text not null,
    -- Set for kind 'integration_config_repaired': batches of one run add up in one row.
    repair_run_id uuid,
    details jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default pg_catalog.now(),
    constraint organization_notifications_pkey primary key (id),
    constraint organization_notifications_organization_id_fkey foreign key (organization_id)
    references public.organizations (id) on delete cascade,
    constraint organization_notifications_kind_check check (kind in ('integration_config_repaired')),
    constraint organization_notifications_details_check check (pg_catalog.jsonb_typeof(details) = 'object'),
    -- Its index leads with organization_id, so it also serves the foreign key
    -- and the policy.
    constraint organization_notifications_organization_id_repair_run_id_key unique (organization_id, repair_run_id)
);

-- details is compressed with lz4 instead of the default pglz:
-- public.repair_integration_configs (20261127200700) adds each batch to the
-- run's notification of every affected organization, so a run that repairs
-- many rows rewrites documents of hundreds of kilobytes once per batch.
-- Compressing them with pglz took about 0.9 s of a 5.6 s repair of 100,000
-- invalid rows; lz4 is several times faster. What is stored and what clients
-- read are the same either way.
do $compression$
begin
    -- Servers built without lz4 (older Supabase images among them) keep pglz.
    if exists (
        select
        from pg_catalog.pg_settings as s
        where s.name = 'default_toast_compression' and 'lz4' = any(s.enumvals)
    ) then
        -- Catalog-only: no rewrite, and the ACCESS EXCLUSIVE lock is brief.
        alter table public.organization_notifications alter column details set compression lz4;
    else
        raise notice 'lz4 is not available on this server: organization_notifications.details stays pglz';
    end if;
end;
$compression$;

comment on table public.organization_notifications is
'Notices for organization admins, such as integrations whose invalid configuration was reset. '
'Admins read their organization''s rows; only service_role writes.';
comment on column public.organization_notifications.details is
'Kind-specific payload. integration_config_repaired: {"integration_count": n, "integrations": [{"id", "provider", '
'"display_name", "field_mappings_reset", "sync_schedule_reset", "deactivated", "field_mappings_problems", '
'"sync_schedule_problems"}]}.';

alter table public.organization_notifications enable row level security;

-- Legacy default privileges grant all (even truncate) to the API roles:
-- start from nothing and grant exactly what the policy below expects.
revoke all on table public.organization_notifications from public, anon, authenticated, service_role;
grant select on table public.organization_notifications to authenticated;
grant select, insert, update, delete on table public.organization_notifications to service_role;

-- No insert, update or delete policy: only service_role (bypassrls) writes.
create policy organization_notifications_select_policy
on public.organization_notifications
for select
to authenticated
using (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy organization_notifications_select_policy on public.organization_notifications is
'Organization admins can read their organization''s notifications.';
