-- Issue 4: audit trail for public.repair_integration_configs (20261127200700).
-- Every integration it resets gets one row here with both documents as they
-- were, their problem lists and the status change, so a repair never loses a
-- configuration. It lives in private: only service_role (which runs the
-- repair) and the owner may read it; admins learn about repairs through
-- public.organization_notifications instead.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table private.integration_config_repairs (
    id bigint generated always as identity,
    -- One run of the repair tool may call the function once per batch.
    repair_run_id uuid not null,
    -- No foreign keys on purpose: the audit must outlive the integration and
    -- the organization it describes.
    integration_id uuid not null,
    organization_id uuid not null,
    status_before public.integration_status not null,
    status_after public.integration_status not null,
    -- Both documents are kept even when only one was invalid; an empty problem
    -- list means that column was valid and left unchanged.
    field_mappings_before jsonb not null,
    field_mappings_problems text[] not null,
    sync_schedule_before jsonb not null,
    sync_schedule_problems text[] not null,
    repaired_at timestamptz not null default pg_catalog.now(),
    repaired_by text not null default current_user,
    constraint integration_config_repairs_pkey primary key (id),
    constraint integration_config_repairs_problems_check check (
        pg_catalog.cardinality(field_mappings_problems) > 0 or pg_catalog.cardinality(sync_schedule_problems) > 0
    )
);

create index integration_config_repairs_integration_id_idx
on private.integration_config_repairs (integration_id);
create index integration_config_repairs_repair_run_id_idx
on private.integration_config_repairs (repair_run_id);

comment on table private.integration_config_repairs is
'One row per integration reset by public.repair_integration_configs: the old documents, what was wrong with them '
'and the status change. Read by service_role and the owner only.';

-- No policy: RLS denies every role that does not bypass it. service_role
-- bypasses RLS and is the only API role with privileges here.
alter table private.integration_config_repairs enable row level security;

revoke all on table private.integration_config_repairs from public, anon, authenticated, service_role;
-- The repair function is security invoker and runs as service_role. The audit
-- is append-only for it: no update or delete.
grant select, insert on table private.integration_config_repairs to service_role;
