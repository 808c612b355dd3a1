-- Audit trail of every credential action (store, rotate, retrieve, revoke, and
-- what the vault_secret_id migrations do to existing rows). Append-only: only
-- the postgres-owned credential functions write it. Admins read their own
-- organization's rows. It never holds a secret, only references to one.
-- Deliberately outside the vault_secret_id rollback group: rolling back the
-- credential columns must never erase the history a breach investigation needs.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create table public.credential_audit (
    id uuid not null default pg_catalog.gen_random_uuid(),
    occurred_at timestamptz not null default pg_catalog.now(),
    -- No foreign keys: audit rows must outlive the organization, the
    -- integration and the user they describe.
    organization_id uuid not null,
    integration_id uuid,
    vault_secret_id uuid,
    action_name text not null,
    actor_user_id uuid,
    actor_role text not null,
    details jsonb not null default '{}'::jsonb,
    constraint credential_audit_pkey primary key (id),
    constraint credential_audit_action_name_check check (
        action_name in (
            'store',
            'rotate',
            'retrieve',
            'revoke',
            'delete_with_integration',
            'relink',
            'deactivate_missing_credential'
        )
    ),
    constraint credential_audit_details_check check (
        pg_catalog.jsonb_typeof(details) = 'object'
    )
);

-- The select policy filters on organization_id; investigations read newest first.
create index credential_audit_organization_id_occurred_at_idx
on public.credential_audit (organization_id, occurred_at desc);
create index credential_audit_integration_id_idx
on public.credential_audit (integration_id);

comment on table public.credential_audit is
'Append-only trail of credential actions. Written only by the credential functions; never contains a secret.';
comment on column public.credential_audit.vault_secret_id is
'Reference to the Vault secret the action touched (a uuid, never the secret itself).';
comment on column public.credential_audit.actor_user_id is
'auth.uid() of the caller; null for service_role, postgres and migrations.';
comment on column public.credential_audit.actor_role is
'Role the request ran as (authenticated, service_role, postgres).';
comment on column public.credential_audit.details is
'Non-secret context, e.g. the migration version and row count. Must never contain a secret.';

alter table public.credential_audit enable row level security;

-- Append-only: no API role may insert, update or delete, not even service_role.
-- Legacy default privileges grant all (even truncate): start from nothing.
revoke all on table public.credential_audit from public, anon, authenticated, service_role;
grant select on table public.credential_audit to authenticated, service_role;

create policy credential_audit_select_policy
on public.credential_audit
for select
to authenticated
using (
    organization_id = any(array(select private.user_org_ids_with_role(array['admin']::public.organization_role[])))
);

comment on policy credential_audit_select_policy on public.credential_audit is
'Organization admins can read their organization''s credential audit trail.';
