-- Proves organization_integrations_field_mappings_check enforces every rule of
-- the field_mappings version 1 schema (docs/integration-config.md): each
-- broken document is refused with 23514 naming the constraint, for admins and
-- service_role alike, and valid documents, boundaries included, are accepted.

begin;

select plan(42);

-- World: an admin of org A and one integration with the default documents.
select tests.create_org('Org A', admins => array['admin a'], integrations => '{"IA1": "salesforce"}');

-- Sets field_mappings of the test integration; the constraint decides.
create function pg_temp.set_fm(p_document jsonb)
returns void
language sql
as $$
    update public.organization_integrations
    set field_mappings = p_document
    where id = tests.integration_id('IA1');
$$;

-- The name of the constraint a statement violates (null if it succeeds),
-- read from the error's diagnostics rather than its localised message.
create function pg_temp.violated_constraint(p_sql text)
returns text
language plpgsql
as $$
declare
    v_constraint text;
begin
    execute p_sql;
    return null;
exception when check_violation then
    get stacked diagnostics v_constraint = constraint_name;
    return v_constraint;
end;
$$;

-- acting as postgres (catalog checks) -------------------------------------

select is(
    (
        select pg_catalog.pg_get_constraintdef(c.oid)
        from pg_catalog.pg_constraint as c
        where
            c.conrelid = 'public.organization_integrations'::regclass
            and c.conname = 'organization_integrations_field_mappings_check'
    ),
    'CHECK (private.field_mappings_is_valid(field_mappings))',
    'FM-01: organization_integrations_field_mappings_check calls private.field_mappings_is_valid'
);
select ok(
    (
        select c.convalidated
        from pg_catalog.pg_constraint as c
        where
            c.conrelid = 'public.organization_integrations'::regclass
            and c.conname = 'organization_integrations_field_mappings_check'
    ),
    'FM-02: the constraint is validated (every existing row satisfies it)'
);
select is(
    (
        select pg_catalog.count(*)::integer
        from pg_catalog.pg_constraint as c
        where
            c.conrelid = 'public.organization_integrations'::regclass
            and c.contype = 'c'
            and pg_catalog.pg_get_constraintdef(c.oid) like '%field_mappings%'
    ),
    1,
    'FM-03: field_mappings has exactly one check constraint'
);
select volatility_is(
    'private', 'field_mappings_is_valid', array['jsonb'], 'immutable',
    'FM-04: the validation function is immutable'
);
select isnt_definer(
    'private', 'field_mappings_is_valid', array['jsonb'], 'FM-05: the validation function is security invoker'
);

-- acting as authenticated (admin of org A) --------------------------------
select tests.authenticate_as(tests.user_id('admin a'));

select is(
    pg_temp.violated_constraint($$select pg_temp.set_fm('[]')$$),
    'organization_integrations_field_mappings_check',
    'FM-06: admin A''s rejected document names organization_integrations_field_mappings_check'
);

-- Valid documents
select lives_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": []}')$$,
    'FM-07: admin A can set an empty mapping list'
);
select lives_ok(
    $$
    select pg_temp.set_fm('{"version": 1, "mappings": [
        {"source": "Account.Name", "target": "customer_name", "required": true},
        {"source": "E-mail (work)", "target": "email", "transform": "lowercase", "required": false},
        {"source": "Ünïcödé 名前", "target": "name_2", "transform": "trim", "required": false}
    ]}')
    $$,
    'FM-08: admin A can set mappings with and without a transform, any source text'
);
select lives_ok(
    $$
    select pg_temp.set_fm(pg_catalog.jsonb_build_object(
        'version', 1,
        'mappings', (
            select pg_catalog.jsonb_agg(
                pg_catalog.jsonb_build_object('source', 'f' || g, 'target', 't' || g, 'required', false)
            )
            from pg_catalog.generate_series(1, 500) as g
        )
    ))
    $$,
    'FM-09: admin A can set exactly 500 mappings'
);
select lives_ok(
    $$
    select pg_temp.set_fm(pg_catalog.jsonb_build_object('version', 1, 'mappings', pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object(
            'source', pg_catalog.repeat('s', 255), 'target', 'a' || pg_catalog.repeat('b', 62), 'required', true
        )
    )))
    $$,
    'FM-10: admin A can use a 255-character source and a 63-character target'
);
select lives_ok(
    $$
    select pg_temp.set_fm(pg_catalog.jsonb_build_object('version', 1, 'mappings', (
        select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('source', 'x', 'target', 't_' || t, 'transform', t,
            'required', true))
        from pg_catalog.unnest(array[
            'trim', 'lowercase', 'uppercase', 'to_integer', 'to_number', 'to_boolean', 'to_date', 'to_timestamp'
        ]) as t
    )))
    $$,
    'FM-11: admin A can use every transform of the fixed set'
);

-- Wrong types
select throws_ok(
    $$select pg_temp.set_fm('"a string"')$$, '23514', null, 'FM-12: admin A cannot set a non-object document'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": "1", "mappings": []}')$$, '23514', null,
    'FM-13: admin A cannot give version as a string'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": {}}')$$, '23514', null,
    'FM-14: admin A cannot give mappings as an object'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": ["email"]}')$$, '23514', null,
    'FM-15: admin A cannot give a mapping as a string'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": 7, "target": "a", "required": true}]}')$$,
    '23514', null, 'FM-16: admin A cannot give source as a number'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "target": ["a"], "required": true}]}')$$,
    '23514', null, 'FM-17: admin A cannot give target as an array'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "target": "a", "required": "yes"}]}')$$,
    '23514', null, 'FM-18: admin A cannot give required as a string'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "target": "a", "required": 1}]}')$$,
    '23514', null, 'FM-19: admin A cannot give required as 1'
);

-- Unknown keys
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [], "notes": "x"}')$$, '23514', null,
    'FM-20: admin A cannot add an unknown top-level key'
);
select throws_ok(
    $$
    select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "target": "a", "required": true, "x": 1}]}')
    $$,
    '23514', null, 'FM-21: admin A cannot add an unknown key to a mapping'
);

-- Missing required keys
select throws_ok(
    $$select pg_temp.set_fm('{"mappings": []}')$$, '23514', null, 'FM-22: admin A cannot omit version'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1}')$$, '23514', null, 'FM-23: admin A cannot omit mappings'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"target": "a", "required": true}]}')$$, '23514', null,
    'FM-24: admin A cannot omit source'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "required": true}]}')$$, '23514', null,
    'FM-25: admin A cannot omit target'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "target": "a"}]}')$$, '23514', null,
    'FM-26: admin A cannot omit required'
);

-- Unknown version
select throws_ok(
    $$select pg_temp.set_fm('{"version": 2, "mappings": []}')$$, '23514', null,
    'FM-27: admin A cannot use version 2'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1.0, "mappings": []}')$$, '23514', null,
    'FM-28: admin A cannot write version 1 as 1.0'
);

-- Duplicate targets
select throws_ok(
    $$
    select pg_temp.set_fm('{"version": 1, "mappings": [
        {"source": "a", "target": "email", "required": true},
        {"source": "b", "target": "email", "required": false}
    ]}')
    $$,
    '23514', null, 'FM-29: admin A cannot map two sources to the same target'
);

-- Values
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "", "target": "a", "required": true}]}')$$,
    '23514', null, 'FM-30: admin A cannot use an empty source'
);
select throws_ok(
    $$
    select pg_temp.set_fm(pg_catalog.jsonb_build_object('version', 1, 'mappings', pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('source', pg_catalog.repeat('s', 256), 'target', 'a', 'required', true)
    )))
    $$,
    '23514', null, 'FM-31: admin A cannot use a 256-character source'
);
select throws_ok(
    $$
    select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "line\nbreak", "target": "a", "required": true}]}')
    $$,
    '23514', null, 'FM-32: admin A cannot put a control character in a source'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "target": "Email", "required": true}]}')$$,
    '23514', null, 'FM-33: admin A cannot use an uppercase target'
);
select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [{"source": "a", "target": "1st", "required": true}]}')$$,
    '23514', null, 'FM-34: admin A cannot start a target with a digit'
);
select throws_ok(
    $$
    select pg_temp.set_fm(pg_catalog.jsonb_build_object('version', 1, 'mappings', pg_catalog.jsonb_build_array(
        pg_catalog.jsonb_build_object('source', 's', 'target', 'a' || pg_catalog.repeat('b', 63), 'required', true)
    )))
    $$,
    '23514', null, 'FM-35: admin A cannot use a 64-character target'
);
select throws_ok(
    $$
    select pg_temp.set_fm(
        '{"version": 1, "mappings": [{"source": "a", "target": "a", "transform": "reverse", "required": true}]}'
    )
    $$,
    '23514', null, 'FM-36: admin A cannot use a transform outside the fixed set'
);
select throws_ok(
    $$
    select pg_temp.set_fm(
        '{"version": 1, "mappings": [{"source": "a", "target": "a", "transform": null, "required": true}]}'
    )
    $$,
    '23514', null, 'FM-37: admin A cannot give transform as null (omit it instead)'
);

-- Size caps
select throws_ok(
    $$
    select pg_temp.set_fm(pg_catalog.jsonb_build_object(
        'version', 1,
        'mappings', (
            select pg_catalog.jsonb_agg(
                pg_catalog.jsonb_build_object('source', 'f' || g, 'target', 't' || g, 'required', false)
            )
            from pg_catalog.generate_series(1, 501) as g
        )
    ))
    $$,
    '23514', null, 'FM-38: admin A cannot set 501 mappings'
);
select throws_ok(
    $$
    select pg_temp.set_fm(pg_catalog.jsonb_build_object(
        'version', 1,
        'mappings', (
            select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                'source', pg_catalog.repeat('é', 255), 'target', 't' || g, 'required', false
            ))
            from pg_catalog.generate_series(1, 200) as g
        )
    ))
    $$,
    '23514', null, 'FM-39: admin A cannot set a document over 64 KiB (200 mappings of 510-byte sources)'
);

-- acting as service_role -----------------------------------------------------
select tests.authenticate_as_service_role();

select throws_ok(
    $$select pg_temp.set_fm('{"version": 1, "mappings": [], "extra": true}')$$, '23514', null,
    'FM-40: service_role is held to the schema too (RLS bypass does not skip checks)'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider, field_mappings)
    values (tests.org_id('Org A'), 'hubspot', '{"email": "email"}')
    $$,
    '23514', null, 'FM-41: service_role cannot insert a legacy-shaped document'
);

-- acting as postgres: what the refused statements left behind ---------------
select tests.clear_authentication();

select is(
    (
        select pg_catalog.jsonb_array_length(i.field_mappings -> 'mappings')
        from public.organization_integrations as i
        where i.id = tests.integration_id('IA1')
    ),
    8,
    'FM-42: the integration holds the last accepted document (FM-11''s eight mappings)'
);

select * from finish();

rollback;
