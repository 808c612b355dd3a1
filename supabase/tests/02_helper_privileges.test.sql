-- Proves the private helpers are locked down: the role checks are security
-- definer and only authenticated and service_role may execute them (the
-- search_path every function pins is 91_function_gates' check); nothing in
-- private is executable by PUBLIC, nor by anon but the lockdown's constant;
-- the helpers only ever answer for the calling user.

begin;

select plan(38);

-- acting as postgres (catalog checks)

-- private schema
select has_schema('private', 'HP-01: private schema exists');
-- anon plans queries under the lockdown policies, which fold
-- private.locked_organization_ids() (20261207100200): it looks that name up
-- in private and executes it (HP-19), and reads nothing there.
select schema_privs_are('private', 'anon', array['USAGE']::name[], 'HP-02: anon can only look names up in private');
select is_empty(
    $$
    select c.oid::regclass::text, a.attname::text
    from pg_catalog.pg_class as c
    inner join pg_catalog.pg_attribute as a on a.attrelid = c.oid
    where
        c.relnamespace = 'private'::regnamespace
        and a.attnum > 0
        and not a.attisdropped
        and pg_catalog.has_column_privilege('anon', c.oid, a.attnum, 'select, insert, update, references')
    $$,
    'HP-02b: anon can read no column in private'
);
select schema_privs_are(
    'private', 'authenticated', array['USAGE'], 'HP-03: authenticated has only usage on schema private'
);
select schema_privs_are(
    'private', 'service_role', array['USAGE'], 'HP-04: service_role has only usage on schema private'
);
select ok(
    not pg_catalog.has_schema_privilege('public', 'private', 'usage, create'),
    'HP-05: PUBLIC has no privilege on schema private'
);

-- definer or invoker
select is_definer(
    'private', 'has_org_role', array['uuid', 'organization_role'], 'HP-07: has_org_role is security definer'
);
select is_definer('private', 'user_org_ids', array[]::name[], 'HP-08: user_org_ids is security definer');
select is_definer(
    'private', 'user_org_ids_with_role', array['organization_role[]'],
    'HP-09: user_org_ids_with_role is security definer'
);
select isnt_definer(
    'private', 'set_updated_at', array[]::name[], 'HP-10: set_updated_at is security invoker'
);
select volatility_is(
    'private', 'has_org_role', array['uuid', 'organization_role'], 'stable', 'HP-12: has_org_role is stable'
);
select volatility_is(
    'private', 'user_org_ids', array[]::name[], 'stable', 'HP-13: user_org_ids is stable'
);
select volatility_is(
    'private', 'user_org_ids_with_role', array['organization_role[]'], 'stable',
    'HP-14: user_org_ids_with_role is stable'
);

-- Over every function, so new ones are covered. HP-15 (search_path pinned)
-- was the 91_function_gates check GATE-FN-01/02 again and went there. HP-16
-- stays: the gates only catch a definer function in an exposed schema that
-- anon or authenticated can execute (GATE-FN-03/04); this layout rule keeps
-- definer functions out of public altogether, so no later grant (legacy
-- default privileges grant EXECUTE to the API roles) can expose one.
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.pronamespace = 'public'::regnamespace
        and p.prosecdef
    $$,
    'HP-16: no security definer function in the exposed public schema'
);
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.pronamespace = 'private'::regnamespace
        and p.prosecdef
        and pg_catalog.obj_description(p.oid, 'pg_proc') is null
    $$,
    'HP-17: every security definer function in private has a comment'
);

-- execute privileges
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    cross join lateral pg_catalog.aclexplode(coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner))) as acl
    where
        p.pronamespace = 'private'::regnamespace
        and acl.grantee = 0
    $$,
    'HP-18: PUBLIC can execute no function in private'
);
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.pronamespace = 'private'::regnamespace
        and pg_catalog.has_function_privilege('anon', p.oid, 'execute')
        and p.oid <> 'private.locked_organization_ids()'::regprocedure
    $$,
    'HP-19: anon can execute no function in private but the lockdown''s constant'
);

select function_privs_are(
    'private', 'has_org_role', array['uuid', 'public.organization_role'], 'public', array[]::name[],
    'HP-24: PUBLIC cannot execute has_org_role'
);
select function_privs_are(
    'private', 'has_org_role', array['uuid', 'public.organization_role'], 'anon', array[]::name[],
    'HP-25: anon cannot execute has_org_role'
);
select function_privs_are(
    'private', 'has_org_role', array['uuid', 'public.organization_role'], 'authenticated', array['EXECUTE'],
    'HP-26: authenticated can execute has_org_role'
);
select function_privs_are(
    'private', 'has_org_role', array['uuid', 'public.organization_role'], 'service_role', array['EXECUTE'],
    'HP-27: service_role can execute has_org_role'
);
select function_privs_are(
    'private', 'user_org_ids', array[]::name[], 'public', array[]::name[],
    'HP-28: PUBLIC cannot execute user_org_ids'
);
select function_privs_are(
    'private', 'user_org_ids', array[]::name[], 'anon', array[]::name[],
    'HP-29: anon cannot execute user_org_ids'
);
select function_privs_are(
    'private', 'user_org_ids', array[]::name[], 'authenticated', array['EXECUTE'],
    'HP-30: authenticated can execute user_org_ids'
);
select function_privs_are(
    'private', 'user_org_ids', array[]::name[], 'service_role', array['EXECUTE'],
    'HP-31: service_role can execute user_org_ids'
);
select function_privs_are(
    'private', 'user_org_ids_with_role', array['public.organization_role[]'], 'public', array[]::name[],
    'HP-32: PUBLIC cannot execute user_org_ids_with_role'
);
select function_privs_are(
    'private', 'user_org_ids_with_role', array['public.organization_role[]'], 'anon', array[]::name[],
    'HP-33: anon cannot execute user_org_ids_with_role'
);
select function_privs_are(
    'private', 'user_org_ids_with_role', array['public.organization_role[]'], 'authenticated', array['EXECUTE'],
    'HP-34: authenticated can execute user_org_ids_with_role'
);
select function_privs_are(
    'private', 'user_org_ids_with_role', array['public.organization_role[]'], 'service_role', array['EXECUTE'],
    'HP-35: service_role can execute user_org_ids_with_role'
);
select function_privs_are(
    'private', 'set_updated_at', array[]::name[], 'authenticated', array[]::name[],
    'HP-36: authenticated cannot execute set_updated_at'
);
select function_privs_are(
    'private', 'set_updated_at', array[]::name[], 'service_role', array[]::name[],
    'HP-37: service_role cannot execute set_updated_at'
);

-- World for the behaviour checks: the user is admin of A and coordinator of B,
-- and not a member of C.
select tests.create_org('Org A', admins => array['user']);
select tests.create_org('Org B', coordinators => array['user']);
select tests.create_org('Org C');

-- acting as authenticated (admin of A, coordinator of B)
select tests.authenticate_as(tests.user_id('user'));

select ok(
    private.has_org_role(tests.org_id('Org A'), 'admin'),
    'HP-40: admin of A has role admin in A'
);
select ok(
    not private.has_org_role(tests.org_id('Org B'), 'admin'),
    'HP-41: coordinator of B does not have role admin in B'
);
select set_eq(
    'select private.user_org_ids()',
    array[tests.org_id('Org A'), tests.org_id('Org B')],
    'HP-42: user_org_ids returns exactly the caller''s organizations'
);
select set_eq(
    $$select private.user_org_ids_with_role(array['admin']::public.organization_role[])$$,
    array[tests.org_id('Org A')],
    'HP-43: user_org_ids_with_role(admin) returns only the organizations the caller administers'
);
select throws_ok(
    'select private.set_updated_at()',
    '42501',
    null,
    'HP-44: authenticated cannot call the trigger function'
);

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    'select private.user_org_ids()',
    '42501',
    null,
    'HP-46: anon cannot call user_org_ids'
);

-- acting as service_role (no user id in its claims)
select tests.authenticate_as_service_role();

select is_empty(
    'select private.user_org_ids()',
    'HP-47: service_role has no memberships through the helpers'
);

select * from finish();

rollback;
