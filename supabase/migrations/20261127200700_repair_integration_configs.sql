-- Issue 4: public.repair_integration_configs resets integration configurations
-- that fail the version 1 schemas (20261127200200) to the safe defaults of
-- 20261127200300, deactivates integrations that were active, keeps the old
-- documents and their problems in private.integration_config_repairs
-- (20261127200500) and notifies each affected organization's admins in
-- public.organization_notifications (20261127200600). One set-based statement
-- per call. tools/repair_integration_configs.py calls it in id-range batches
-- with one run id; 20261127200800 calls it once before validating the checks.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

create function public.repair_integration_configs(
    p_dry_run boolean default false,
    p_run_id uuid default null,
    p_after_id uuid default null,
    p_upto_id uuid default null
)
returns table (
    integration_id uuid,
    organization_id uuid,
    status_before public.integration_status,
    status_after public.integration_status,
    field_mappings_problems text[],
    sync_schedule_problems text[]
)
language plpgsql
volatile
security invoker
set search_path = ''
as $$
declare
    v_run_id uuid := coalesce(p_run_id, pg_catalog.gen_random_uuid());
begin
    if p_dry_run then
        -- What a real run would do, changing nothing.
        return query
        select
            i.id,
            i.organization_id,
            i.status,
            case when i.status = 'active' then 'inactive'::public.integration_status else i.status end,
            private.field_mappings_problems(i.field_mappings, null),
            private.sync_schedule_problems(i.sync_schedule, null)
        from public.organization_integrations as i
        where
            -- The batch: ids in (p_after_id, p_upto_id]; a null bound is open.
            (p_after_id is null or i.id > p_after_id)
            and (p_upto_id is null or i.id <= p_upto_id)
            and not (
                private.field_mappings_is_valid(i.field_mappings)
                and private.sync_schedule_is_valid(i.sync_schedule)
            )
        order by i.id;
        return;
    end if;

    return query
    with invalid as (
        select
            i.id,
            i.organization_id,
            i.provider,
            i.display_name,
            i.status,
            i.field_mappings,
            i.sync_schedule,
            -- Full lists (no limit) for the audit; '{}' for a valid column.
            private.field_mappings_problems(i.field_mappings, null) as fm_problems,
            private.sync_schedule_problems(i.sync_schedule, null) as ss_problems
        from public.organization_integrations as i
        where
            -- The batch: ids in (p_after_id, p_upto_id]; a null bound is open.
            (p_after_id is null or i.id > p_after_id)
            and (p_upto_id is null or i.id <= p_upto_id)
            and not (
                private.field_mappings_is_valid(i.field_mappings)
                and private.sync_schedule_is_valid(i.sync_schedule)
            )
        for update of i
    ),

    repaired as (
        -- Destructive: replaces invalid documents. The old ones go to the audit
        -- table in the same statement.
        update public.organization_integrations as i
        set
            field_mappings = case
                when pg_catalog.cardinality(v.fm_problems) > 0 then '{"version": 1, "mappings": []}'::jsonb
                else i.field_mappings
            end,
            sync_schedule = case
                when pg_catalog.cardinality(v.ss_problems) > 0
                    then '{"version": 1, "mode": "manual", "timezone": "UTC", "enabled": false}'::jsonb
                else i.sync_schedule
            end,
            status = case when i.status = 'active' then 'inactive'::public.integration_status else i.status end
        from invalid as v
        where i.id = v.id
        returning i.id, i.status
    ),

    audited as (
        insert into private.integration_config_repairs (
            repair_run_id,
            integration_id,
            organization_id,
            status_before,
            status_after,
            field_mappings_before,
            field_mappings_problems,
            sync_schedule_before,
            sync_schedule_problems
        )
        select
            v_run_id,
            v.id,
            v.organization_id,
            v.status,
            r.status,
            v.field_mappings,
            v.fm_problems,
            v.sync_schedule,
            v.ss_problems
        from invalid as v
        inner join repaired as r on v.id = r.id
    ),

    notified as (
        insert into public.organization_notifications as n (organization_id, kind, repair_run_id, details)
        select
            v.organization_id,
            'integration_config_repaired',
            v_run_id,
            pg_catalog.jsonb_build_object(
                'integration_count', pg_catalog.count(*),
                'integrations', pg_catalog.jsonb_agg(
                    pg_catalog.jsonb_build_object(
                        'id', v.id,
                        'provider', v.provider,
                        'display_name', v.display_name,
                        'field_mappings_reset', pg_catalog.cardinality(v.fm_problems) > 0,
                        'sync_schedule_reset', pg_catalog.cardinality(v.ss_problems) > 0,
                        'deactivated', v.status is distinct from r.status,
                        -- The first 20 of each list; the audit keeps them all.
                        'field_mappings_problems', v.fm_problems[1:20],
                        'sync_schedule_problems', v.ss_problems[1:20]
                    )
                    order by v.id
                )
            )
        from invalid as v
        inner join repaired as r on v.id = r.id
        group by v.organization_id
        -- A later batch of the same run adds to the organization's row.
        on conflict on constraint organization_notifications_organization_id_repair_run_id_key do update
        set details = pg_catalog.jsonb_build_object(
            'integration_count',
            (n.details ->> 'integration_count')::integer + (excluded.details ->> 'integration_count')::integer,
            'integrations',
            (n.details -> 'integrations') operator(pg_catalog.||) (excluded.details -> 'integrations')
        )
    )

    select v.id, v.organization_id, v.status, r.status, v.fm_problems, v.ss_problems
    from invalid as v
    inner join repaired as r on v.id = r.id
    order by v.id;
end;
$$;

comment on function public.repair_integration_configs(boolean, uuid, uuid, uuid) is
'Resets invalid field_mappings/sync_schedule documents of integrations with ids in (p_after_id, p_upto_id] (null: '
'open) to the safe defaults, sets active ones inactive, audits the old values in '
'private.integration_config_repairs and notifies each organization''s admins once per p_run_id. Returns one row per '
'repaired integration. p_dry_run: report only. service_role only.';

-- Destructive maintenance: service_role (and the owner) only.
revoke all on function public.repair_integration_configs(boolean, uuid, uuid, uuid)
from public, anon, authenticated, service_role;
grant execute on function public.repair_integration_configs(boolean, uuid, uuid, uuid) to service_role;
