-- Proves RLS and privileges on organizations and organization_members:
-- members read their organization and its member list; only admins rename
-- the organization and manage memberships; outsiders and anon see nothing;
-- only service_role creates and deletes organizations.

begin;

select plan(44);

-- World: org A (admin A, coordinator A), org B (admin B, coordinator B),
-- org C (admin B; service_role deletes it), an outsider and a newcomer with no
-- membership.
select tests.create_org('Org A', admins => array['admin a'], coordinators => array['coordinator a']);
select tests.create_org('Org B', admins => array['admin b'], coordinators => array['coordinator b']);
select tests.create_org('Org C', admins => array['admin b']);
select tests.create_named_user('outsider');
select tests.create_named_user('newcomer');

-- updated_at is backdated, with the trigger off for that update only, so the
-- trigger's stamp is visible in this transaction.
alter table public.organizations disable trigger organizations_set_updated_at;
update public.organizations set updated_at = pg_catalog.now() - interval '1 day'
where id in (tests.org_id('Org A'), tests.org_id('Org B'), tests.org_id('Org C'));
alter table public.organizations enable trigger organizations_set_updated_at;

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));

select results_eq(
    'select o.id from public.organizations as o order by o.id',
    array[tests.org_id('Org A')],
    'OR-01: admin A reads only org A'
);
select set_eq(
    'select m.user_id from public.organization_members as m',
    array[tests.user_id('admin a'), tests.user_id('coordinator a')],
    'OR-02: admin A reads only the member list of org A'
);
select results_eq(
    $$
    update public.organizations set name = 'Org A renamed'
    where id = tests.org_id('Org A')
    returning name
    $$,
    array['Org A renamed'],
    'OR-03: admin A renames org A'
);
select throws_ok(
    $$
    update public.organizations set name = '   '
    where id = tests.org_id('Org A')
    $$,
    '23514',
    null,
    'OR-04: admin A cannot give org A a blank name'
);
select is_empty(
    $$
    update public.organizations set name = 'Taken over'
    where id = tests.org_id('Org B')
    returning id
    $$,
    'OR-05: admin A cannot rename org B (0 rows)'
);
select throws_ok(
    $$
    update public.organizations set id = pg_catalog.gen_random_uuid()
    where id = tests.org_id('Org A')
    $$,
    '42501',
    null,
    'OR-06: admin A cannot change the id of org A'
);
select throws_ok(
    $$insert into public.organizations (name) values ('Self-made org')$$,
    '42501',
    null,
    'OR-07: admin A cannot create an organization'
);
select throws_ok(
    $$delete from public.organizations where id = tests.org_id('Org A')$$,
    '42501',
    null,
    'OR-08: admin A cannot delete org A'
);
select lives_ok(
    $$
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id('Org A'), tests.user_id('newcomer'), 'coordinator')
    $$,
    'OR-09: admin A adds a member to org A'
);
select results_eq(
    $$
    update public.organization_members set role = 'admin'
    where
        organization_id = tests.org_id('Org A')
        and user_id = tests.user_id('newcomer')
    returning role::text
    $$,
    array['admin'],
    'OR-10: admin A changes a member''s role in org A'
);
select results_eq(
    $$
    delete from public.organization_members
    where
        organization_id = tests.org_id('Org A')
        and user_id = tests.user_id('newcomer')
    returning user_id
    $$,
    array[tests.user_id('newcomer')],
    'OR-11: admin A removes a member from org A'
);
select throws_ok(
    $$
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id('Org B'), tests.user_id('admin a'), 'admin')
    $$,
    '42501',
    null,
    'OR-12: admin A cannot add themself to org B'
);
select is_empty(
    $$
    update public.organization_members set role = 'coordinator'
    where organization_id = tests.org_id('Org B')
    returning user_id
    $$,
    'OR-13: admin A cannot change roles in org B (0 rows)'
);
select is_empty(
    $$
    delete from public.organization_members
    where organization_id = tests.org_id('Org B')
    returning user_id
    $$,
    'OR-14: admin A cannot remove members of org B (0 rows)'
);
select throws_ok(
    $$
    update public.organization_members set organization_id = tests.org_id('Org B')
    where user_id = tests.user_id('coordinator a')
    $$,
    '42501',
    null,
    'OR-15: admin A cannot move a membership to another organization'
);
select throws_ok(
    $$
    insert into public.organization_members (organization_id, user_id, role, created_at)
    values (
        tests.org_id('Org A'), tests.user_id('newcomer'), 'coordinator',
        '2000-01-01'
    )
    $$,
    '42501',
    null,
    'OR-16: admin A cannot forge a membership''s created_at'
);

-- acting as coordinator of A
select tests.authenticate_as(tests.user_id('coordinator a'));

select results_eq(
    'select o.id from public.organizations as o',
    array[tests.org_id('Org A')],
    'OR-17: coordinator A reads only org A'
);
select set_eq(
    'select m.user_id from public.organization_members as m',
    array[tests.user_id('admin a'), tests.user_id('coordinator a')],
    'OR-18: coordinator A reads the member list of org A'
);
select is_empty(
    $$
    update public.organizations set name = 'Coordinated'
    where id = tests.org_id('Org A')
    returning id
    $$,
    'OR-19: coordinator A cannot rename org A (0 rows)'
);
select throws_ok(
    $$
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id('Org A'), tests.user_id('newcomer'), 'coordinator')
    $$,
    '42501',
    null,
    'OR-20: coordinator A cannot add a member to org A'
);
select is_empty(
    $$
    update public.organization_members set role = 'admin'
    where user_id = tests.user_id('coordinator a')
    returning user_id
    $$,
    'OR-21: coordinator A cannot promote themself (0 rows)'
);
select is_empty(
    $$
    delete from public.organization_members
    where user_id = tests.user_id('admin a')
    returning user_id
    $$,
    'OR-22: coordinator A cannot remove admin A (0 rows)'
);

-- acting as a non-member
select tests.authenticate_as(tests.user_id('outsider'));

select is_empty('select o.id from public.organizations as o', 'OR-23: outsider reads no organization');
select is_empty(
    'select m.user_id from public.organization_members as m',
    'OR-24: outsider reads no membership'
);
select throws_ok(
    $$
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id('Org A'), tests.user_id('outsider'), 'admin')
    $$,
    '42501',
    null,
    'OR-25: outsider cannot add themself to org A'
);
select is_empty(
    $$
    update public.organizations set name = 'Hijacked'
    where id = tests.org_id('Org A')
    returning id
    $$,
    'OR-26: outsider cannot rename org A (0 rows)'
);

-- acting as anon
select tests.authenticate_as_anon();

select throws_ok(
    'select o.id from public.organizations as o',
    '42501',
    null,
    'OR-27: anon cannot read organizations'
);
select throws_ok(
    'select m.user_id from public.organization_members as m',
    '42501',
    null,
    'OR-28: anon cannot read memberships'
);
select throws_ok(
    $$
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id('Org A'), tests.user_id('outsider'), 'admin')
    $$,
    '42501',
    null,
    'OR-29: anon cannot add a membership'
);
select throws_ok(
    $$update public.organizations set name = 'Anon was here'$$,
    '42501',
    null,
    'OR-30: anon cannot update organizations'
);

-- acting as admin of B
select tests.authenticate_as(tests.user_id('admin b'));

select set_eq(
    'select o.id from public.organizations as o',
    array[tests.org_id('Org B'), tests.org_id('Org C')],
    'OR-31: admin B reads only the organizations they belong to (B and C)'
);
select is_empty(
    $$
    select m.user_id from public.organization_members as m
    where m.organization_id = tests.org_id('Org A')
    $$,
    'OR-32: admin B reads no membership of org A'
);
select is_empty(
    $$
    delete from public.organization_members
    where user_id = tests.user_id('admin a')
    returning user_id
    $$,
    'OR-33: admin B cannot remove admin A (0 rows)'
);
select throws_ok(
    $$delete from public.organizations where id = tests.org_id('Org C')$$,
    '42501',
    null,
    'OR-34: admin B cannot delete org C'
);

-- acting as service_role
select tests.authenticate_as_service_role();

select set_eq(
    $$
    select o.id from public.organizations as o
    where o.id in (tests.org_id('Org A'), tests.org_id('Org B'), tests.org_id('Org C'))
    $$,
    array[
        tests.org_id('Org A'),
        tests.org_id('Org B'),
        tests.org_id('Org C')
    ],
    'OR-35: service_role reads every organization'
);
select lives_ok(
    $$insert into public.organizations (id, name) values (tests.org_id('Org D'), 'Org D')$$,
    'OR-36: service_role creates an organization'
);
select results_eq(
    $$delete from public.organizations where id = tests.org_id('Org C') returning id$$,
    array[tests.org_id('Org C')],
    'OR-37: service_role deletes an organization'
);
select throws_ok(
    'truncate public.organization_members',
    '42501',
    null,
    'OR-38: service_role cannot truncate organization_members'
);

-- acting as postgres: verify what the denied statements left behind
select tests.clear_authentication();

select results_eq(
    $$
    select o.name from public.organizations as o
    where o.id in (tests.org_id('Org A'), tests.org_id('Org B'))
    order by o.name
    $$,
    array['Org A renamed', 'Org B'],
    'OR-39: only admin A''s rename of org A took effect'
);
select ok(
    (
        select o.updated_at = pg_catalog.now()
        from public.organizations as o
        where o.id = tests.org_id('Org A')
    ),
    'OR-40: renaming org A stamped updated_at'
);
select ok(
    (
        select o.updated_at < pg_catalog.now()
        from public.organizations as o
        where o.id = tests.org_id('Org B')
    ),
    'OR-41: org B was not touched'
);
select set_eq(
    $$
    select m.organization_id, m.user_id, m.role::text
    from public.organization_members as m
    where m.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'), tests.org_id('Org C'))
    $$,
    $$
    values
    (tests.org_id('Org A'), tests.user_id('admin a'), 'admin'),
    (tests.org_id('Org A'), tests.user_id('coordinator a'), 'coordinator'),
    (tests.org_id('Org B'), tests.user_id('admin b'), 'admin'),
    (tests.org_id('Org B'), tests.user_id('coordinator b'), 'coordinator')
    $$,
    'OR-42: memberships are as set up, minus org C''s (cascade) and the newcomer''s (removed)'
);
select lives_ok(
    $$delete from auth.users where id = tests.user_id('coordinator b')$$,
    'OR-43: deleting a user succeeds'
);
select is_empty(
    $$
    select m.user_id from public.organization_members as m
    where m.user_id = tests.user_id('coordinator b')
    $$,
    'OR-44: deleting a user removes their memberships (cascade)'
);

select * from finish();

rollback;
