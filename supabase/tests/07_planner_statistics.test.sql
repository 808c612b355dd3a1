-- Proves that planner statistics no longer leak counts: an admin's EXPLAIN, and so
-- PostgREST's `Prefer: count=planned`, no longer tells how many integrations
-- in other organizations use a provider; ANALYZE gathers nothing on provider.
-- organization_id keeps its statistics (the documented residual leak).

begin;

select plan(5);

-- World: org A (admin A, one salesforce integration); org B with 300
-- salesforce and 1 rare-erp integration.
select tests.create_org('PS org A', admins => array['admin a'], integrations => '{"IA1": "salesforce"}');
select tests.create_org('PS org B', integrations => '{"IB rare": "f07-rare-erp"}');

insert into public.organization_integrations (organization_id, provider)
select
    tests.org_id('PS org B') as organization_id,
    'salesforce' as provider -- noqa: RF04
from pg_catalog.generate_series(1, 300);

analyze public.organization_integrations;

-- Planned rows of a query, as EXPLAIN (and count=planned) reports them.
create function pg_temp.planned_rows(p_sql text)
returns numeric
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_plan json;
begin
    execute 'explain (format json) ' || p_sql into v_plan;
    return (v_plan -> 0 -> 'Plan' ->> 'Plan Rows')::numeric;
end;
$$;

-- acting as postgres (catalog)

select is(
    (
        select a.attstattarget::integer
        from pg_catalog.pg_attribute as a
        where a.attrelid = 'public.organization_integrations'::regclass and a.attname = 'provider'
    ),
    0,
    'PS-01: ANALYZE gathers no statistics on organization_integrations.provider'
);
select is_empty(
    $$
    select s.attname from pg_catalog.pg_stats as s
    where s.schemaname = 'public' and s.tablename = 'organization_integrations' and s.attname = 'provider'
    $$,
    'PS-02: after ANALYZE there are no provider statistics to read (pg_stats) or to estimate from'
);
select isnt(
    (
        select a.attstattarget::integer
        from pg_catalog.pg_attribute as a
        where a.attrelid = 'public.organization_integrations'::regclass and a.attname = 'organization_id'
    ),
    0,
    'PS-03: organization_id keeps its statistics (plans need them; residual leak documented)'
);

-- acting as admin A
select tests.authenticate_as(tests.user_id('admin a'));

select is(
    pg_temp.planned_rows($$select i.id from public.organization_integrations as i where i.provider = 'salesforce'$$),
    pg_temp.planned_rows($$select i.id from public.organization_integrations as i where i.provider = 'f07-rare-erp'$$),
    'PS-04: admin A''s planned rows are the same for a provider used 301 times and one used once'
);
select results_eq(
    $$select i.provider from public.organization_integrations as i$$,
    array['salesforce'],
    'PS-05: admin A still reads their own integration'
);

select * from finish();
rollback;
