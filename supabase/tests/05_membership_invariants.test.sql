-- Proves the membership invariants: an organization keeps at
-- least one admin (demoting, removing, leaving or moving away the last one
-- fails with OM001, for admins and service_role alike); members, coordinators
-- included, can leave; deleting the organization, or the last admin's auth
-- account, still works. The concurrent case is tests/membership/.

begin;

select plan(20);

-- World: org A (admin A1, coordinator A2), org B (admins B1 and B2,
-- coordinator B3), org C (admin C1 only; deleted at the end), org D (admin D1
-- only; D1's account is deleted).
select tests.create_org('MI org A', admins => array['admin a1'], coordinators => array['coordinator a2']);
select tests.create_org('MI org B', admins => array['admin b1', 'admin b2'], coordinators => array['coordinator b3']);
select tests.create_org('MI org C', admins => array['admin c1']);
select tests.create_org('MI org D', admins => array['admin d1']);

-- acting as admin A1, the only admin of org A
select tests.authenticate_as(tests.user_id('admin a1'));

select throws_ok(
    $$
    update public.organization_members set role = 'coordinator'
    where
        organization_id = tests.org_id('MI org A')
        and user_id = tests.user_id('admin a1')
    $$,
    'OM001',
    null,
    'MB-01: the last admin cannot demote themself'
);
select throws_ok(
    $$
    delete from public.organization_members
    where
        organization_id = tests.org_id('MI org A')
        and user_id = tests.user_id('admin a1')
    $$,
    'OM001',
    null,
    'MB-02: the last admin cannot leave (delete their own membership)'
);
select throws_ok(
    $$delete from public.organization_members where organization_id = tests.org_id('MI org A')$$,
    'OM001',
    null,
    'MB-03: the last admin cannot remove every member at once'
);
select results_eq(
    $$
    with changed as (
        update public.organization_members
        set role = (
            case when user_id = tests.user_id('admin a1') then 'coordinator' else 'admin' end
        )::public.organization_role
        where organization_id = tests.org_id('MI org A')
        returning
            case
                when user_id = tests.user_id('admin a1') then 'A1'
                when user_id = tests.user_id('coordinator a2') then 'A2'
            end || ' ' || role::text as member_role
    )

    select c.member_role from changed as c order by 1
    $$,
    array['A1 coordinator', 'A2 admin'],
    'MB-04: one statement that hands admin over to another member succeeds (judged on its result)'
);

-- acting as A2, now the only admin of org A
select tests.authenticate_as(tests.user_id('coordinator a2'));

select results_eq(
    $$
    update public.organization_members set role = 'admin'
    where user_id = tests.user_id('admin a1')
    returning role::text
    $$,
    array['admin'],
    'MB-05: A2 gives admin back to A1 (two admins again)'
);
select results_eq(
    $$
    update public.organization_members set role = 'coordinator'
    where user_id = tests.user_id('coordinator a2')
    returning role::text
    $$,
    array['coordinator'],
    'MB-06: an admin who is not the last one can demote themself'
);

-- acting as coordinator B3
select tests.authenticate_as(tests.user_id('coordinator b3'));

select is_empty(
    $$
    delete from public.organization_members
    where user_id = tests.user_id('admin b1')
    returning user_id
    $$,
    'MB-07: a coordinator still cannot remove another member (0 rows)'
);
select results_eq(
    $$
    delete from public.organization_members
    where
        organization_id = tests.org_id('MI org B')
        and user_id = tests.user_id('coordinator b3')
    returning user_id
    $$,
    array[tests.user_id('coordinator b3')],
    'MB-08: a coordinator leaves the organization (deletes their own membership)'
);
select is_empty(
    'select m.user_id from public.organization_members as m',
    'MB-09: after leaving, the former coordinator sees no membership'
);

-- acting as admin B1 (org B has two admins)
select tests.authenticate_as(tests.user_id('admin b1'));

select results_eq(
    $$
    delete from public.organization_members
    where
        organization_id = tests.org_id('MI org B')
        and user_id = tests.user_id('admin b1')
    returning user_id
    $$,
    array[tests.user_id('admin b1')],
    'MB-10: an admin who is not the last one can leave'
);

-- acting as admin B2, now the last admin of org B
select tests.authenticate_as(tests.user_id('admin b2'));

select throws_ok(
    $$
    delete from public.organization_members
    where user_id = tests.user_id('admin b2')
    $$,
    'OM001',
    null,
    'MB-11: after the other admin left, B2 is the last admin and cannot leave'
);

-- acting as service_role (bypasses RLS, not the invariant)
select tests.authenticate_as_service_role();

select throws_ok(
    $$
    update public.organization_members set role = 'coordinator'
    where user_id = tests.user_id('admin b2')
    $$,
    'OM001',
    null,
    'MB-12: service_role cannot demote the last admin either'
);
select throws_ok(
    $$
    delete from public.organization_members
    where user_id = tests.user_id('admin c1')
    $$,
    'OM001',
    null,
    'MB-13: service_role cannot remove the last admin either'
);
select throws_ok(
    $$
    update public.organization_members set organization_id = tests.org_id('MI org B')
    where user_id = tests.user_id('admin c1')
    $$,
    'OM001',
    null,
    'MB-14: moving the last admin''s membership to another organization fails'
);
select lives_ok(
    $$
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id('MI org C'), tests.user_id('admin b2'), 'admin');
    delete from public.organization_members
    where
        organization_id = tests.org_id('MI org C')
        and user_id = tests.user_id('admin c1')
    $$,
    'MB-15: add a new admin first, then the old one can be removed'
);
select results_eq(
    $$delete from public.organizations where id = tests.org_id('MI org C') returning id$$,
    array[tests.org_id('MI org C')],
    'MB-16: deleting an organization still works (its last admin goes by cascade)'
);

-- acting as postgres
select tests.clear_authentication();

select is_empty(
    $$
    select m.user_id from public.organization_members as m
    where m.organization_id = tests.org_id('MI org C')
    $$,
    'MB-17: the deleted organization has no memberships left'
);
select lives_ok(
    $$delete from auth.users where id = tests.user_id('admin d1')$$,
    'MB-18: deleting the auth account of an organization''s last admin is not blocked'
);
select is_empty(
    $$
    select m.user_id from public.organization_members as m
    where m.organization_id = tests.org_id('MI org D')
    $$,
    'MB-19: the account''s membership is gone (org D is left for service_role to give an admin)'
);
select trigger_is(
    'public', 'organization_members', 'organization_members_require_admin',
    'private', 'organization_members_require_admin',
    'MB-20: the last-admin trigger is in place'
);

select * from finish();
rollback;
