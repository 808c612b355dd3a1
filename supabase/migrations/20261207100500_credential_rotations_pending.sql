-- Issue 13: after a breach, every credential the emergency revoke
-- (20261127600200) removed must be replaced by the organization's admins.
-- This lists, for one incident, the integrations it revoked that still have
-- no credential: the responder's check that rotation is complete, used by
-- `org-integrations pending-rotations` and docs/incident-response.md.
-- service_role and postgres only.
--
-- security definer: reads public.credential_audit, which service_role may
-- read but an older project's service_role may not have been granted, and
-- vault_secret_id, which this reports only as present or not.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

-- security definer: see the header.
create function private.credential_rotations_pending(p_incident text)
returns table (
    organization_id uuid,
    integration_id uuid,
    provider text,
    display_name text,
    revoked_at timestamptz
)
language plpgsql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
    if not private.credential_caller_is_privileged() then
        raise exception 'only service_role may list pending rotations'
        using errcode = '42501';
    end if;
    perform private.assert_lockdown_text(p_incident, 'incident', 200);

    -- One 'emergency_revoke' row per organization and run lists the
    -- integrations it revoked (details.integration_ids). An integration that
    -- was deleted since needs no rotation; one with a credential linked
    -- again has been rotated.
    return query
    select distinct on (i.id)
        i.organization_id,
        i.id,
        i.provider,
        i.display_name,
        a.occurred_at
    from public.credential_audit as a
    cross join lateral pg_catalog.jsonb_array_elements_text(a.details -> 'integration_ids') as r (integration_id)
    inner join public.organization_integrations as i on i.id = r.integration_id::uuid
    where
        a.action_name = 'emergency_revoke'
        and a.details ->> 'incident' = p_incident
        and i.vault_secret_id is null
    order by i.id, a.occurred_at desc;
end;
$$;

comment on function private.credential_rotations_pending(text) is
'Implements public.credential_rotations_pending. service_role only.';

revoke all on function private.credential_rotations_pending(text) from public, anon, authenticated, service_role;
grant execute on function private.credential_rotations_pending(text) to service_role;

create function public.credential_rotations_pending(p_incident text)
returns table (
    organization_id uuid,
    integration_id uuid,
    provider text,
    display_name text,
    revoked_at timestamptz
)
language sql
stable
security invoker
set search_path = pg_catalog, pg_temp
as $$
    select * from private.credential_rotations_pending(p_incident);
$$;

comment on function public.credential_rotations_pending(text) is
'Integrations revoked by the emergency revoke of an incident that still have no credential: what admins have yet '
'to rotate. Empty when every one has a new credential or was deleted. service_role only (42501); 22023 for a '
'missing incident.';

revoke all on function public.credential_rotations_pending(text) from public, anon, authenticated, service_role;
grant execute on function public.credential_rotations_pending(text) to service_role;
