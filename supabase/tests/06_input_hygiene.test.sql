-- Proves input hygiene for organizations.name and
-- organization_integrations.provider and display_name: lengths count the
-- untrimmed value (a short name padded with megabytes of spaces is refused),
-- control characters, line separators and bidi overrides are refused with
-- 23514 from named constraints, and ordinary text still passes.

begin;

select plan(30);

-- World: org A with admin A and integration IA1.
select tests.create_org('IH org A', admins => array['admin a'], integrations => '{"IA1": "salesforce"}');

-- acting as postgres (catalog checks)

select is(
    (
        select pg_catalog.array_agg(c.conname::text order by c.conname)
        from pg_catalog.pg_constraint as c
        where
            c.conrelid in ('public.organizations'::regclass, 'public.organization_integrations'::regclass)
            and c.conname::text like '%characters_check'
            and c.convalidated
    ),
    array[
        'organization_integrations_display_name_characters_check',
        'organization_integrations_provider_characters_check',
        'organizations_name_characters_check'
    ],
    'IH-01: every human-readable text column has a validated characters constraint'
);
select ok(
    (
        select pg_catalog.bool_and(c.convalidated)
        from pg_catalog.pg_constraint as c
        where c.conname in (
            'organizations_name_check',
            'organization_integrations_provider_check',
            'organization_integrations_display_name_check'
        )
    ),
    'IH-02: the length constraints are validated'
);

-- acting as admin A

select tests.authenticate_as(tests.user_id('admin a'));

-- Lengths count the untrimmed value.
select throws_ok(
    $$
    update public.organizations
    set name = pg_catalog.repeat(' ', 4000000) || 'Acme' || pg_catalog.repeat(' ', 4000000)
    where id = tests.org_id('IH org A')
    $$,
    '23514',
    null,
    'IH-03: a short name padded with 8 MB of spaces is refused'
);
select throws_ok(
    $$
    update public.organizations set name = pg_catalog.repeat('x', 190) || pg_catalog.repeat(' ', 11)
    where id = tests.org_id('IH org A')
    $$,
    '23514',
    null,
    'IH-04: a 201-character name is refused even when it is 190 once trimmed'
);
select lives_ok(
    $$
    update public.organizations set name = pg_catalog.repeat('é', 200)
    where id = tests.org_id('IH org A')
    $$,
    'IH-05: 200 two-byte characters are accepted (the limit is in characters)'
);
select throws_ok(
    $$
    update public.organization_integrations set provider = '  ' || pg_catalog.repeat('p', 99)
    where id = tests.integration_id('IA1')
    $$,
    '23514',
    null,
    'IH-06: a provider over 100 characters with its spaces is refused'
);
select throws_ok(
    $$
    update public.organization_integrations
    set display_name = pg_catalog.repeat(' ', 4000000) || 'Sales'
    where id = tests.integration_id('IA1')
    $$,
    '23514',
    null,
    'IH-07: a display_name padded with 4 MB of spaces is refused'
);
select throws_ok(
    $$
    insert into public.organization_integrations (organization_id, provider)
    values (tests.org_id('IH org A'), pg_catalog.repeat(' ', 4000000) || 'crm')
    $$,
    '23514',
    null,
    'IH-08: an insert with a padded provider is refused'
);
select throws_ok(
    $$update public.organizations set name = '   ' where id = tests.org_id('IH org A')$$,
    '23514',
    null,
    'IH-09: a blank name is still refused'
);

-- Control characters, line separators and bidi overrides in each column.
select throws_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Acme' || pg_catalog.chr(10) || 'Forged log line',
        tests.org_id('IH org A')
    ),
    '23514',
    null,
    'IH-10: a name with a newline is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Acme' || pg_catalog.chr(27) || ']0;title' || pg_catalog.chr(7),
        tests.org_id('IH org A')
    ),
    '23514',
    null,
    'IH-11: a name with an ESC and BEL (terminal title sequence) is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Acme' || pg_catalog.chr(8238) || 'txt.exe',
        tests.org_id('IH org A')
    ),
    '23514',
    null,
    'IH-12: a name with U+202E (right-to-left override) is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Acme' || pg_catalog.chr(8294) || 'x' || pg_catalog.chr(8297),
        tests.org_id('IH org A')
    ),
    '23514',
    null,
    'IH-13: a name with bidi isolates (U+2066, U+2069) is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Acme' || pg_catalog.chr(155) || '31m',
        tests.org_id('IH org A')
    ),
    '23514',
    null,
    'IH-14: a name with a C1 control (U+009B, CSI) is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Acme' || pg_catalog.chr(8232) || 'Corp',
        tests.org_id('IH org A')
    ),
    '23514',
    null,
    'IH-15: a name with U+2028 (line separator) is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Acme' || pg_catalog.chr(9) || 'Corp',
        tests.org_id('IH org A')
    ),
    '23514',
    null,
    'IH-16: a name with a tab is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organization_integrations set provider = %L where id = %L',
        'crm' || pg_catalog.chr(13) || 'ok',
        tests.integration_id('IA1')
    ),
    '23514',
    null,
    'IH-17: a provider with a carriage return is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organization_integrations set provider = %L where id = %L',
        'crm' || pg_catalog.chr(8237),
        tests.integration_id('IA1')
    ),
    '23514',
    null,
    'IH-18: a provider with U+202D (left-to-right override) is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organization_integrations set display_name = %L where id = %L',
        'Sales' || pg_catalog.chr(27) || '[2J',
        tests.integration_id('IA1')
    ),
    '23514',
    null,
    'IH-19: a display_name with an ESC sequence is refused'
);
select throws_ok(
    pg_catalog.format(
        'update public.organization_integrations set display_name = %L where id = %L',
        'Sales' || pg_catalog.chr(127),
        tests.integration_id('IA1')
    ),
    '23514',
    null,
    'IH-20: a display_name with DEL is refused'
);
select throws_ok(
    pg_catalog.format(
        'insert into public.organization_integrations (organization_id, provider, display_name) values (%L, %L, %L)',
        tests.org_id('IH org A'),
        'crm',
        'x' || pg_catalog.chr(8234) || 'y'
    ),
    '23514',
    null,
    'IH-21: an insert with U+202A (left-to-right embedding) in display_name is refused'
);

-- Ordinary text passes: accents, scripts, emoji, inner spaces, punctuation.
select lives_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'Müller & Søn — 株式会社 (Zürich) 🚚',
        tests.org_id('IH org A')
    ),
    'IH-22: a name with accents, CJK, emoji and punctuation is accepted'
);
select lives_ok(
    pg_catalog.format(
        'update public.organizations set name = %L where id = %L',
        'שלום עולם',
        tests.org_id('IH org A')
    ),
    'IH-23: a right-to-left script without override characters is accepted'
);
select lives_ok(
    $$
    update public.organization_integrations set provider = 'hubspot', display_name = '  Sales team  '
    where id = tests.integration_id('IA1')
    $$,
    'IH-24: ordinary provider and display_name (inner and surrounding spaces) are accepted'
);
select lives_ok(
    $$update public.organization_integrations set display_name = null where id = tests.integration_id('IA1')$$,
    'IH-25: display_name may still be null'
);

-- Which constraint answers (acting as postgres).
select tests.clear_authentication();

create function pg_temp.violated_constraint(p_sql text)
returns text
language plpgsql
set search_path = pg_catalog, pg_temp
as $$
declare
    v_constraint text;
begin
    execute p_sql;
    return null;
exception
    when check_violation then
        get stacked diagnostics v_constraint = constraint_name;
        return v_constraint;
end;
$$;

select is(
    pg_temp.violated_constraint(
        $$
        update public.organizations set name = pg_catalog.repeat(' ', 4000000) || 'A' || pg_catalog.chr(10)
        where id = tests.org_id('IH org A')
        $$
    ),
    'organizations_name_check',
    'IH-26: a padded name that also holds a newline is refused by the length constraint (lengths first)'
);
select is(
    pg_temp.violated_constraint(
        pg_catalog.format(
            'update public.organizations set name = %L where id = %L',
            'Acme' || pg_catalog.chr(10),
            tests.org_id('IH org A')
        )
    ),
    'organizations_name_characters_check',
    'IH-27: a short name with a newline is refused by organizations_name_characters_check'
);
select is(
    pg_temp.violated_constraint(
        $$
        update public.organization_integrations set provider = pg_catalog.repeat(' ', 200) || 'crm'
        where id = tests.integration_id('IA1')
        $$
    ),
    'organization_integrations_provider_check',
    'IH-28: a padded provider is refused by organization_integrations_provider_check'
);
select is(
    pg_temp.violated_constraint(
        pg_catalog.format(
            'update public.organization_integrations set provider = %L where id = %L',
            'crm' || pg_catalog.chr(7),
            tests.integration_id('IA1')
        )
    ),
    'organization_integrations_provider_characters_check',
    'IH-29: a provider with BEL is refused by organization_integrations_provider_characters_check'
);
select is(
    pg_temp.violated_constraint(
        pg_catalog.format(
            'update public.organization_integrations set display_name = %L where id = %L',
            pg_catalog.chr(8238) || 'gpj.exe',
            tests.integration_id('IA1')
        )
    ),
    'organization_integrations_display_name_characters_check',
    'IH-30: a display_name with U+202E is refused by organization_integrations_display_name_characters_check'
);

select * from finish();
rollback;
