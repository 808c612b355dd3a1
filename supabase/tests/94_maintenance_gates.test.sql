-- Catalog gate for what PostgreSQL 17 changed about table maintenance, run on
-- every server version: client roles hold no privilege that bypasses RLS or
-- takes strong locks (TRUNCATE, TRIGGER, REFERENCES, and 17's MAINTAIN, which
-- allows VACUUM, ANALYZE, REINDEX, CLUSTER and LOCK TABLE), and the owner's
-- maintenance commands work under 17's fixed search_path.

begin;

select plan(3);

-- Relations print as schema.name, whatever the caller's search path.
set local search_path = extensions;

create temporary view gate_relations as
select
    c.oid,
    c.oid::pg_catalog.regclass::text as relation,
    c.relkind,
    c.relacl
from pg_catalog.pg_class as c
inner join tests.project_schemas as s on c.relnamespace = s.oid
where c.relkind in ('r', 'p', 'v', 'm', 'f');

select cmp_ok(
    (
        select pg_catalog.count(*)
        from pg_temp.gate_relations as r
        where r.relkind in ('r', 'p')
    )::integer,
    '>',
    0,
    'GATE-MNT-00: the gate sees the project''s tables (a broken schema filter would pass everything)'
);

-- Read off the ACL itself rather than has_table_privilege(), whose list of
-- privilege names differs between versions (15 has no MAINTAIN). Grants to
-- PUBLIC (grantee 0) count, as every role inherits them.
select is_empty(
    $$
    select r.relation, a.grantee::pg_catalog.regrole::text, a.privilege_type
    from pg_temp.gate_relations as r
    cross join lateral pg_catalog.aclexplode(r.relacl) as a
    where
        (a.grantee = 0 or a.grantee in ('anon'::pg_catalog.regrole, 'authenticated'::pg_catalog.regrole))
        and a.privilege_type in ('TRUNCATE', 'TRIGGER', 'REFERENCES', 'MAINTAIN')
    order by 1, 2, 3
    $$,
    pg_catalog.format(
        'GATE-MNT-01: anon and authenticated hold no TRUNCATE, TRIGGER, REFERENCES or MAINTAIN (%s relations)',
        (select pg_catalog.count(*) from pg_temp.gate_relations)
    )
);

-- PostgreSQL 17 runs ANALYZE, REINDEX, CLUSTER, VACUUM and REFRESH with
-- search_path = 'pg_catalog, pg_temp': an index expression, predicate or
-- constraint that calls a function relying on the caller's path fails there.
-- REINDEX and ANALYZE may run inside a transaction; VACUUM may not.
select lives_ok(
    $$
    do $body$
    declare
        v_relation text;
    begin
        for v_relation in
            select r.relation from pg_temp.gate_relations as r where r.relkind in ('r', 'p', 'm') order by 1
        loop
            -- One table at a time, each in a subtransaction rolled back at its
            -- end, which releases its locks: holding every table's lock to
            -- the end would deadlock with a test file running beside this one
            -- that writes two tables in the other order.
            begin
                execute pg_catalog.format('analyze %s', v_relation);
                execute pg_catalog.format('reindex table %s', v_relation);
                raise exception using errcode = 'P0001', message = 'gate_mnt_02_done';
            exception
                when raise_exception then
                    if sqlerrm <> 'gate_mnt_02_done' then
                        raise;
                    end if;
            end;
        end loop;
    end
    $body$
    $$,
    'GATE-MNT-02: ANALYZE and REINDEX succeed on every project table as its owner'
);

select * from finish();
rollback;
