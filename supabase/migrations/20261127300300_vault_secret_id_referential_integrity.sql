-- Referential integrity from organization_integrations.vault_secret_id into
-- vault.secrets, which cannot be a foreign key on Supabase (Vault's schema is
-- protected). A trigger rejects, with SQLSTATE 23503 like a foreign key, any
-- id that is not an existing Vault secret created for this same integration.
-- The credential functions name each secret after its integration
-- (private.credential_secret_name), so an admin of one organization can never
-- point an integration at another integration's or organization's secret.
-- The trigger applies to every writer, service_role included. A unique index
-- keeps one integration per secret and serves lookups by secret id.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- One Vault secret per integration, found by this name. Vault names are
-- unique, which also lets a secret kept through a rollback be found again.
create function private.credential_secret_name(p_integration_id uuid)
returns text
language sql
immutable
security invoker
set search_path = ''
as $$
    select 'integration_credential:' || p_integration_id::text;
$$;

comment on function private.credential_secret_name(uuid) is
'Vault secret name of an integration''s credential. Used by the credential functions and the integrity trigger.';

-- Only the postgres-owned credential functions and migrations call it.
revoke all on function private.credential_secret_name(uuid) from public, anon, authenticated, service_role;

-- security definer: must read vault.secrets whoever writes the row.
-- authenticated has no Vault access at all, and older Supabase images do not
-- give service_role any either. It reads one row by primary key and reveals
-- nothing but "valid or not".
create function private.check_vault_secret_reference()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
    if new.vault_secret_id is null then
        return new;
    end if;

    if not exists (
        select 1
        from vault.secrets as s
        where
            s.id = new.vault_secret_id
            and s.name = private.credential_secret_name(new.id)
    ) then
        raise exception 'vault_secret_id must reference this integration''s own Vault secret'
        using
            errcode = '23503',
            hint = 'Link credentials with public.store_credential(); never set vault_secret_id directly.';
    end if;

    return new;
end;
$$;

comment on function private.check_vault_secret_reference() is
'Trigger: rejects (23503) a vault_secret_id that is not an existing Vault secret created for this integration. '
'Security definer because the writer (authenticated, service_role) may have no access to vault.secrets.';

-- Triggers fire without an execute check: nobody needs to call it.
revoke all on function private.check_vault_secret_reference() from public, anon, authenticated, service_role;

-- Fires when the reference is written and when the row's id changes, since
-- the secret belongs to the integration's id.
create trigger organization_integrations_check_vault_secret_id
before insert or update of vault_secret_id, id on public.organization_integrations
for each row execute function private.check_vault_secret_reference();

-- A secret belongs to exactly one integration. The table holds one row per
-- organization and provider, so building the index takes milliseconds; the
-- SHARE lock it holds meanwhile is bounded by lock_timeout above. CONCURRENTLY
-- cannot run inside the transaction the CLI wraps each migration in.
-- squawk-ignore require-concurrent-index-creation
create unique index organization_integrations_vault_secret_id_key
on public.organization_integrations (vault_secret_id);
