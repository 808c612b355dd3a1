-- Lists dangling references: integrations whose vault_secret_id points at a
-- Vault secret that no longer exists (deleted outside the credential
-- functions, e.g. in the dashboard). Meant for a periodic job run with the
-- service_role key; the fix for each row is public.store_credential() or
-- public.revoke_credential(). Last file of the group undone by
-- supabase/rollbacks/20261127300900_list_dangling_credential_references.sql.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: reads vault.secrets, which older Supabase images do not
-- grant to service_role. Checks its caller as well as its execute grant.
create function private.list_dangling_credential_references()
returns table (
    integration_id uuid,
    organization_id uuid,
    vault_secret_id uuid,
    status public.integration_status
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if not private.credential_caller_is_privileged() then
        raise exception 'only service_role may list dangling credential references'
        using errcode = '42501';
    end if;

    return query
    select i.id, i.organization_id, i.vault_secret_id, i.status
    from public.organization_integrations as i
    where
        i.vault_secret_id is not null
        and not exists (
            select 1
            from vault.secrets as s
            where s.id = i.vault_secret_id
        )
    order by i.organization_id, i.id;
end;
$$;

comment on function private.list_dangling_credential_references() is
'Integrations whose vault_secret_id names a missing Vault secret; see public.list_dangling_credential_references. '
'Security definer: reads vault.secrets, which service_role may lack.';

revoke all on function private.list_dangling_credential_references() from public, anon, authenticated, service_role;
grant execute on function private.list_dangling_credential_references() to service_role;

create function public.list_dangling_credential_references()
returns table (
    integration_id uuid,
    organization_id uuid,
    vault_secret_id uuid,
    status public.integration_status
)
language sql
stable
security invoker
set search_path = ''
as $$
    select d.integration_id, d.organization_id, d.vault_secret_id, d.status
    from private.list_dangling_credential_references() as d;
$$;

comment on function public.list_dangling_credential_references() is
'For a periodic job (service_role only): integrations whose credential was deleted from Vault outside the '
'credential functions. Fix each with public.store_credential() or public.revoke_credential().';

revoke all on function public.list_dangling_credential_references() from public, anon, authenticated, service_role;
grant execute on function public.list_dangling_credential_references() to service_role;
