-- Validates chk_active_integration_has_vault_ref, added NOT VALID by
-- 20261127300400. VALIDATE takes only a SHARE UPDATE EXCLUSIVE lock, so reads
-- and writes continue while it scans. Before that, existing rows are brought
-- into line without deleting any:
--   1. references kept in Vault through a rollback are linked again (the
--      secret's name identifies its integration), so an up -> down -> up round
--      trip deactivates nothing;
--   2. rows still 'active' without a reference move to 'inactive', and the
--      count per organization is written to public.credential_audit.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- 1. Re-link kept secrets. The integrity trigger checks each re-linked id.
with relinked as (
    update public.organization_integrations as i
    set vault_secret_id = s.id
    from vault.secrets as s
    where
        i.vault_secret_id is null
        and s.name = private.credential_secret_name(i.id)
    returning i.id, i.organization_id, i.vault_secret_id
)

insert into public.credential_audit (
    organization_id, integration_id, vault_secret_id, action_name, actor_role, details
)
select
    r.organization_id,
    r.id,
    r.vault_secret_id,
    'relink' as action_name,
    current_user as actor_role,
    pg_catalog.jsonb_build_object('migration', '20261127300500') as details
from relinked as r;

-- 2. Deactivate what is still active without a credential. Never delete.
with deactivated as (
    update public.organization_integrations as i
    set status = 'inactive'
    where
        i.status = 'active'
        and i.vault_secret_id is null
    returning i.id, i.organization_id
)

insert into public.credential_audit (organization_id, action_name, actor_role, details)
select
    d.organization_id,
    'deactivate_missing_credential' as action_name,
    current_user as actor_role,
    pg_catalog.jsonb_build_object(
        'migration', '20261127300500',
        'count', pg_catalog.count(*),
        'integration_ids', pg_catalog.jsonb_agg(d.id order by d.id)
    ) as details
from deactivated as d
group by d.organization_id;

alter table public.organization_integrations
validate constraint chk_active_integration_has_vault_ref;
