-- "Has a usable credential" as a database answer (amends the credential API
-- of 20261127300700). Clients used to probe before activating by decrypting
-- the secret through retrieve_credential and throwing it away, audited as a
-- 'retrieve', and repeated the authorization rule to explain a null from
-- get_integration_vault_secret_id. public.credential_status answers the same
-- question without decrypting and without an audit row, to the admins of the
-- integration's organization and service_role, with the credential
-- functions' errors. The integrity trigger (20261129100100) stays the final
-- guard. Definer functions pin search_path to pg_catalog, pg_temp.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: reads vault.secrets, which authenticated cannot and
-- service_role may not, and vault_secret_id, which authenticated may not
-- select. Reveals one boolean, to callers who may manage the credential.
create function private.credential_status(p_integration_id uuid)
returns boolean
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
    v_organization_id uuid;
    v_linked_id uuid;
begin
    select i.organization_id, i.vault_secret_id
    into v_organization_id, v_linked_id
    from public.organization_integrations as i
    where i.id = p_integration_id;

    perform private.assert_may_manage_credential(v_organization_id);

    -- The integrity trigger's rule: this integration's own secret, still in Vault.
    return v_linked_id is not null and exists (
        select 1
        from vault.secrets as s
        where
            s.id = v_linked_id
            and s.name = private.credential_secret_name(p_integration_id)
    );
end;
$$;

comment on function private.credential_status(uuid) is
'Whether the integration has a live credential, without decrypting it; see public.credential_status. '
'Security definer: reads vault.secrets and vault_secret_id, which the callers may not.';

revoke all on function private.credential_status(uuid) from public, anon, authenticated, service_role;
grant execute on function private.credential_status(uuid) to authenticated, service_role;

create function public.credential_status(p_integration_id uuid)
returns boolean
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select private.credential_status(p_integration_id);
$$;

comment on function public.credential_status(uuid) is
'True when the integration has a live credential (a linked Vault secret of its own that still exists), false '
'otherwise; never decrypts it and is not audited. Check it before activating. Admins of the organization and '
'service_role. Errors: 42501 not allowed (also for unknown ids), P0002 unknown integration (service_role).';

revoke all on function public.credential_status(uuid) from public, anon, authenticated, service_role;
grant execute on function public.credential_status(uuid) to authenticated, service_role;
