-- Deleting an integration (directly, or by deleting its organization) also
-- deletes its credential from Vault, so no credential outlives the only row
-- that could ever revoke it. The deletion is audited.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: deletes from vault.secrets, which authenticated may not
-- touch and older Supabase images do not let service_role touch either.
create function private.delete_credential_with_integration()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_deleted_ids uuid[];
begin
    with deleted as (
        delete from vault.secrets as s
        where
            s.id = old.vault_secret_id
            or s.name = private.credential_secret_name(old.id)
        returning s.id
    )

    select pg_catalog.array_agg(d.id) into v_deleted_ids
    from deleted as d;

    if v_deleted_ids is not null then
        perform private.write_credential_audit(
            old.organization_id,
            old.id,
            old.vault_secret_id,
            'delete_with_integration',
            pg_catalog.jsonb_build_object('deleted_vault_secret_ids', v_deleted_ids)
        );
    end if;

    return old;
end;
$$;

comment on function private.delete_credential_with_integration() is
'Trigger: after an integration is deleted, deletes its Vault secret and audits it. '
'Security definer because the deleting role may have no access to vault.secrets.';

-- Triggers fire without an execute check: nobody needs to call it.
revoke all on function private.delete_credential_with_integration() from public, anon, authenticated, service_role;

create trigger organization_integrations_delete_credential
after delete on public.organization_integrations
for each row execute function private.delete_credential_with_integration();
