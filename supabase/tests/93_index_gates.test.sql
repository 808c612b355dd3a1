-- Catalog gate over every table, key and index in the project's schemas, so
-- a new one is checked without a new test: every foreign key is backed by an
-- index, no index duplicates another, every table has a primary key.
-- Mirrors splinter's unindexed_foreign_keys, duplicate_index and
-- no_primary_key, a little stricter (see the checks).

begin;

select plan(4);

-- Relations print as schema.name, whatever the caller's search path.
set local search_path = extensions;

-- The project's schemas, defined once for every gate in
-- 00_test_helpers.test.sql (the view tests.project_schemas).
create temporary view gate_schemas as
select
    s.oid,
    s.nspname
from tests.project_schemas as s;

-- Every table (plain or partitioned) in them that no extension owns.
create temporary view gate_tables as
select
    c.oid,
    c.oid::pg_catalog.regclass::text as table_name
from pg_catalog.pg_class as c
inner join pg_temp.gate_schemas as s on c.relnamespace = s.oid
where
    c.relkind in ('r', 'p')
    and not exists (
        select 1
        from pg_catalog.pg_depend as d
        where
            d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
            and d.objid = c.oid
            and d.deptype = 'e'
    );

-- Their indexes: key columns as a 1-based array (0 is an expression), and
-- everything else that makes up an index's definition.
create temporary view gate_indexes as
select
    i.indexrelid,
    i.indrelid,
    i.indexrelid::pg_catalog.regclass::text as index_name,
    pg_catalog.string_to_array(i.indkey::text, ' ')::smallint[] as key_columns,
    i.indisvalid,
    i.indisprimary,
    c.relam,
    i.indclass::text as opclasses,
    i.indcollation::text as collations,
    i.indoption::text as index_options,
    i.indnullsnotdistinct,
    pg_catalog.pg_get_expr(i.indexprs, i.indrelid) as expressions,
    pg_catalog.pg_get_expr(i.indpred, i.indrelid) as predicate
from pg_catalog.pg_index as i
inner join pg_temp.gate_tables as t on i.indrelid = t.oid
inner join pg_catalog.pg_class as c on i.indexrelid = c.oid;

select cmp_ok(
    (select pg_catalog.count(*) from pg_temp.gate_tables)::integer,
    '>',
    0,
    'GATE-IDX-00: the gates see the project''s tables (a broken schema filter would pass everything)'
);

-- unindexed_foreign_keys: deleting or updating a referenced row scans the
-- referencing table unless an index leads with the key's columns. Stricter
-- than splinter: a partial or invalid index does not count; the leading
-- columns may come in any order.
select is_empty(
    $$
    select t.table_name, k.conname::text
    from pg_catalog.pg_constraint as k
    inner join pg_temp.gate_tables as t on k.conrelid = t.oid
    where
        k.contype = 'f'
        and not exists (
            select 1
            from pg_temp.gate_indexes as i
            where
                i.indrelid = k.conrelid
                and i.indisvalid
                and i.predicate is null
                and i.key_columns[1:pg_catalog.cardinality(k.conkey)] operator(pg_catalog.@>) k.conkey
                and i.key_columns[1:pg_catalog.cardinality(k.conkey)] operator(pg_catalog.<@) k.conkey
        )
    order by 1, 2
    $$,
    pg_catalog.format(
        'GATE-IDX-01: every foreign key is covered by an index leading with its columns (%s foreign keys)',
        (
            select pg_catalog.count(*)
            from pg_catalog.pg_constraint as k
            inner join pg_temp.gate_tables as t on k.conrelid = t.oid
            where k.contype = 'f'
        )
    )
);

-- duplicate_index: two indexes with the same access method, columns,
-- operator classes, collations, options, expressions and predicate. Stricter
-- than splinter: uniqueness is ignored, since a unique index serves every
-- lookup a plain one on the same columns would.
select is_empty(
    $$
    select
        t.table_name,
        pg_catalog.array_agg(i.index_name order by i.index_name) as indexes
    from pg_temp.gate_indexes as i
    inner join pg_temp.gate_tables as t on i.indrelid = t.oid
    group by
        t.table_name,
        i.relam,
        i.key_columns,
        i.opclasses,
        i.collations,
        i.index_options,
        i.indnullsnotdistinct,
        i.expressions,
        i.predicate
    having pg_catalog.count(*) > 1
    order by 1, 2
    $$,
    pg_catalog.format(
        'GATE-IDX-02: no index duplicates another (%s indexes)',
        (select pg_catalog.count(*) from pg_temp.gate_indexes)
    )
);

-- no_primary_key: replication, PostgREST's row identity and every tool that
-- edits rows need one.
select is_empty(
    $$
    select t.table_name
    from pg_temp.gate_tables as t
    where not exists (
        select 1
        from pg_temp.gate_indexes as i
        where
            i.indrelid = t.oid
            and i.indisprimary
    )
    order by 1
    $$,
    pg_catalog.format(
        'GATE-IDX-03: every table has a primary key (%s tables)',
        (select pg_catalog.count(*) from pg_temp.gate_tables)
    )
);

select * from finish();
rollback;
