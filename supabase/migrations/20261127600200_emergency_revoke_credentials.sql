-- Issue 6: the breach runbook's database half. For one organization, in the
-- caller's transaction, revokes every integration credential through
-- private.revoke_credential (20261127300700: deletes the Vault secret, clears
-- vault_secret_id, sets the integration inactive, audits 'revoke'), then
-- writes one 'emergency_revoke' audit row and one 'credentials_revoked'
-- notification for the organization's admins (kinds from 20261127600000).
-- tools/emergency_revoke.py calls it once per organization, each in its own
-- transaction. service_role (and a direct postgres session) only.
--
-- security definer: private.emergency_revoke_credentials must find secrets
-- kept in Vault under an integration's name and call the postgres-owned
-- private.revoke_credential; service_role may have no Vault access at all.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: see the header.
create function private.emergency_revoke_credentials(
    p_organization_id uuid,
    p_incident text,
    p_dry_run boolean default false
)
returns table (
    integration_id uuid,
    provider text,
    display_name text,
    status_before public.integration_status,
    vault_secret_id uuid
)
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
    v_row record;
    v_integrations jsonb := '[]'::jsonb;
begin
    if not private.credential_caller_is_privileged() then
        raise exception 'only service_role may revoke an organization''s credentials'
        using errcode = '42501';
    end if;
    if
        p_incident is null
        or p_incident operator(pg_catalog.!~) '[^[:space:]]'
        or pg_catalog.char_length(p_incident) > 200
    then
        raise exception 'the incident reference must be 1 to 200 characters and not blank'
        using errcode = '22023';
    end if;
    if not exists (select 1 from public.organizations as o where o.id = p_organization_id) then
        raise exception 'organization not found'
        using errcode = 'P0002';
    end if;

    -- Every integration with a credential: linked, or kept in Vault under its
    -- name through a rollback. Locked, so no store or rotate interleaves.
    for v_row in
        select i.id, i.provider, i.display_name, i.status, i.vault_secret_id
        from public.organization_integrations as i
        where
            i.organization_id = p_organization_id
            and (
                i.vault_secret_id is not null
                or i.status = 'active'
                or exists (
                    select 1
                    from vault.secrets as s
                    where s.name = private.credential_secret_name(i.id)
                )
            )
        order by i.id
        for update of i
    loop
        integration_id := v_row.id;
        provider := v_row.provider;
        display_name := v_row.display_name;
        status_before := v_row.status;
        vault_secret_id := v_row.vault_secret_id;
        return next;

        if not p_dry_run then
            -- Destructive on purpose: deletes the Vault secret, unlinks it and
            -- deactivates the integration, with a 'revoke' audit row.
            perform private.revoke_credential(v_row.id);
        end if;
        v_integrations := v_integrations || pg_catalog.jsonb_build_array(
            pg_catalog.jsonb_build_object(
                'id', v_row.id,
                'provider', v_row.provider,
                'display_name', v_row.display_name,
                'status_before', v_row.status
            )
        );
    end loop;

    -- Nothing left to revoke: write nothing, so a second run is a no-op.
    if p_dry_run or pg_catalog.jsonb_array_length(v_integrations) = 0 then
        return;
    end if;

    perform private.write_credential_audit(
        p_organization_id,
        null,
        null,
        'emergency_revoke',
        pg_catalog.jsonb_build_object(
            'incident', p_incident,
            'integration_count', pg_catalog.jsonb_array_length(v_integrations),
            'integration_ids', pg_catalog.jsonb_path_query_array(v_integrations, '$[*].id')
        )
    );

    insert into public.organization_notifications (organization_id, kind, details)
    values (
        p_organization_id,
        'credentials_revoked',
        pg_catalog.jsonb_build_object(
            'incident', p_incident,
            'integration_count', pg_catalog.jsonb_array_length(v_integrations),
            'integrations', v_integrations,
            'action_required',
            'These credentials were revoked after a security incident and the integrations deactivated. '
            || 'Rotate each credential at the external system, since the old one may have leaked, then enter '
            || 'the new one here and reactivate the integration.'
        )
    );
end;
$$;

comment on function private.emergency_revoke_credentials(uuid, text, boolean) is
'Revokes every integration credential of one organization, audits it and notifies its admins; see '
'public.emergency_revoke_credentials. Security definer: finds secrets kept in Vault by name and calls '
'private.revoke_credential.';

revoke all on function private.emergency_revoke_credentials(uuid, text, boolean)
from public, anon, authenticated, service_role;
grant execute on function private.emergency_revoke_credentials(uuid, text, boolean) to service_role;

create function public.emergency_revoke_credentials(
    p_organization_id uuid,
    p_incident text,
    p_dry_run boolean default false
)
returns table (
    integration_id uuid,
    provider text,
    display_name text,
    status_before public.integration_status,
    vault_secret_id uuid
)
language sql
volatile
security invoker
set search_path = ''
as $$
    select r.integration_id, r.provider, r.display_name, r.status_before, r.vault_secret_id
    from private.emergency_revoke_credentials(p_organization_id, p_incident, p_dry_run) as r;
$$;

comment on function public.emergency_revoke_credentials(uuid, text, boolean) is
'Breach runbook (tools/emergency_revoke.py): revokes every integration credential of the organization (Vault '
'secrets deleted, integrations inactive), writes audit rows and one credentials_revoked notification for its '
'admins; returns the integrations it revoked. p_dry_run: report only. Idempotent. service_role only. '
'Errors: 42501 not allowed, P0002 unknown organization, 22023 blank or over-200-character incident.';

revoke all on function public.emergency_revoke_credentials(uuid, text, boolean)
from public, anon, authenticated, service_role;
grant execute on function public.emergency_revoke_credentials(uuid, text, boolean) to service_role;
