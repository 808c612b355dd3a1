-- An active integration must have a credential in Vault. Added NOT VALID so
-- that adding it only checks new and updated rows and never scans the table
-- under an ACCESS EXCLUSIVE lock; existing rows are fixed and the constraint
-- validated in the next migration,
-- 20261127300500_validate_chk_active_integration_has_vault_ref.sql.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

alter table public.organization_integrations
add constraint chk_active_integration_has_vault_ref
check (status::text != 'active' or vault_secret_id is not null) not valid;

comment on constraint chk_active_integration_has_vault_ref on public.organization_integrations is
'An active integration must reference its credential in Vault (vault_secret_id).';
