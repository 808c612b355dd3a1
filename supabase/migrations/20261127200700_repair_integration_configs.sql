-- Issue 4: public.repair_integration_configs resets integration configurations
-- that fail the version 1 schemas (20261127200200) to the safe defaults of
-- 20261127200300, deactivates integrations that were active, keeps the old
-- documents and their problems in private.integration_config_repairs
-- (20261127200500) and notifies each affected organization's admins in
-- public.organization_notifications (20261127200600). One set-based statement
-- per call. tools/repair_integration_configs.py calls it in id-range batches
-- with one run id; 20261127200800 calls it once before validating the checks.
-- Written for many invalid rows (issue 4 allows 10 s for 100,000): each
-- document is validated once and, only if invalid, explained once; the UPDATE
-- reads the batch through the primary key and returns what the audit, the
-- notifications and the result need. The dry run is a plain select, which may
-- use parallel workers that the lateral subqueries of the repair would rule out.
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
            -- When another transaction changed the row after it was read, FOR
            -- UPDATE locks and returns its new version but keeps the lateral
            -- results of the old one: then the lists describe the new version.
            case
                when seen.row_version = i.ctid then fm.problems
                else private.field_mappings_problems(i.field_mappings, null)
            end as fm_problems,
            case
                when seen.row_version = i.ctid then ss.problems
                else private.sync_schedule_problems(i.sync_schedule, null)
            end as ss_problems
        from public.organization_integrations as i
        -- The version of the row that the lateral subqueries below describe.
        cross join lateral (select i.ctid as row_version offset 0) as seen
        -- Each document is validated once and, only if invalid, explained:
        -- *_problems validates before it explains, so calling it for a valid
        -- document validated it twice. The list is '{}' exactly when the rule
        -- accepts. As functions of the document alone, the planner may reuse
        -- them for identical documents (Memoize), which rows written by the
        -- same old client often are. offset 0 keeps each subquery whole
        -- instead of copying the calls into every place that uses the list.
        cross join lateral (
            select
                case
                    when private.field_mappings_is_valid(i.field_mappings) then '{}'::text[]
                    else private.field_mappings_problems(i.field_mappings, null)
                end as problems
            offset 0
        ) as fm
        cross join lateral (
            select
                case
                    when private.sync_schedule_is_valid(i.sync_schedule) then '{}'::text[]
                    else private.sync_schedule_problems(i.sync_schedule, null)
                end as problems
            offset 0
        ) as ss
        where
            -- The batch: ids in (p_after_id, p_upto_id]; a null bound is open.
            (p_after_id is null or i.id > p_after_id)
            and (p_upto_id is null or i.id <= p_upto_id)
            and (pg_catalog.cardinality(fm.problems) > 0 or pg_catalog.cardinality(ss.problems) > 0)
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
        where
            i.id = v.id
            -- The batch again, so that the join reads only the batch.
            and (p_after_id is null or i.id > p_after_id)
            and (p_upto_id is null or i.id <= p_upto_id)
            -- A row that another transaction made valid since it was read has
            -- two empty lists (see invalid): leave it alone, as the rules would.
            and (pg_catalog.cardinality(v.fm_problems) > 0 or pg_catalog.cardinality(v.ss_problems) > 0)
        returning
            i.id,
            v.organization_id,
            v.provider,
            v.display_name,
            v.status as status_before,
            i.status as status_after,
            v.field_mappings,
            v.sync_schedule,
            v.fm_problems,
            v.ss_problems
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
            r.id,
            r.organization_id,
            r.status_before,
            r.status_after,
            r.field_mappings,
            r.fm_problems,
            r.sync_schedule,
            r.ss_problems
        from repaired as r
    ),

    notified as (
        insert into public.organization_notifications as n (organization_id, kind, repair_run_id, details)
        select
            r.organization_id,
            'integration_config_repaired',
            v_run_id,
            pg_catalog.jsonb_build_object(
                'integration_count', pg_catalog.count(*),
                -- One object per integration, keyed by the column names of e:
                -- aggregating the row converts it once, where building a jsonb
                -- object first and aggregating that converted it twice.
                'integrations', pg_catalog.jsonb_agg(e order by e.id)
            )
        from repaired as r
        cross join lateral (
            select
                r.id,
                r.provider,
                r.display_name,
                pg_catalog.cardinality(r.fm_problems) > 0 as field_mappings_reset,
                pg_catalog.cardinality(r.ss_problems) > 0 as sync_schedule_reset,
                r.status_before is distinct from r.status_after as deactivated,
                -- The first 20 of each list; the audit keeps them all.
                r.fm_problems[1:20] as field_mappings_problems,
                r.ss_problems[1:20] as sync_schedule_problems
        ) as e
        group by r.organization_id
        -- A later batch of the same run adds to the organization's row.
        on conflict on constraint organization_notifications_organization_id_repair_run_id_key do update
        set details = pg_catalog.jsonb_build_object(
            'integration_count',
            (n.details ->> 'integration_count')::integer + (excluded.details ->> 'integration_count')::integer,
            'integrations',
            (n.details -> 'integrations') operator(pg_catalog.||) (excluded.details -> 'integrations')
        )
    )

    select r.id, r.organization_id, r.status_before, r.status_after, r.fm_problems, r.ss_problems
    from repaired as r
    order by r.id;
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
