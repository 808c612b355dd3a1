-- Adds the reference from an integration to its credential in Vault, amending
-- 20261127100300_organization_integrations.sql. The credential itself never
-- sits in this table. Only an organization's admins (through
-- public.get_integration_vault_secret_id) and service_role may see the
-- reference, so authenticated moves from a table-wide SELECT to column SELECTs.
--
-- Known limitation: a foreign key into Vault's protected schema
-- (vault.secrets) is not supported on Supabase. Integrity is enforced by the
-- trigger in 20261127300300_vault_secret_id_referential_integrity.sql instead,
-- and public.list_dangling_credential_references() finds references whose
-- secret was deleted outside the credential functions.
--
-- First file of the group undone by
-- supabase/rollbacks/20261127300900_list_dangling_credential_references.sql.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- A nullable column without a default: a catalog-only change, no rewrite.
alter table public.organization_integrations add column if not exists vault_secret_id uuid;

comment on column public.organization_integrations.vault_secret_id is
'Id of the Vault secret (vault.secrets.id) holding this integration''s credential; set only by the credential '
'functions. Not a foreign key (Supabase does not support one into vault): a trigger rejects any id that is not '
'this integration''s own secret. anon and authenticated cannot read it; clients must list columns explicitly.';

-- Security: a table-wide SELECT would include vault_secret_id, and a column
-- REVOKE cannot carve a column out of a table-wide grant. So authenticated
-- gets SELECT on every column except vault_secret_id instead. The list is
-- read from the catalog so that columns added by earlier migrations stay
-- readable; a later migration that adds a column must grant its SELECT.
revoke select on table public.organization_integrations from anon, authenticated;

do $grant$
declare
    v_columns text;
begin
    select pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' order by a.attnum)
    into v_columns
    from pg_catalog.pg_attribute as a
    where
        a.attrelid = 'public.organization_integrations'::regclass
        and a.attnum > 0
        and not a.attisdropped
        and a.attname <> 'vault_secret_id';

    execute pg_catalog.format(
        'grant select (%s) on table public.organization_integrations to authenticated',
        v_columns
    );
end
$grant$;

-- Security: nobody but the credential functions (owned by postgres) and
-- service_role writes the reference, and neither anon nor authenticated may
-- read it. These revokes change nothing today; they say so explicitly.
revoke select (vault_secret_id), insert (vault_secret_id), update (vault_secret_id)
on table public.organization_integrations from anon, authenticated;
