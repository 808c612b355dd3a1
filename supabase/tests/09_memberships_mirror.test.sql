-- Proves private.memberships (20261207110000), which the select policies
-- read (20261207110100-110140), is organization_members' (user_id,
-- organization_id, role) after every kind of change, in the same statement:
-- insert, role change, removal, a failed statement (OM001), the cascade
-- from deleting an organization or a user. A signed-in user reads only their
-- own rows; nobody but the trigger writes it. Truncate is tested in
-- tests/membership/test_memberships_mirror.py, on a database of its own: here
-- it would lock out the files running beside this one.

begin;

select plan(15);

-- In a DO block: the helpers return random ids, which the TAP stream must not carry.
do $world$
begin
    perform tests.create_org('MM org A', admins => array['mm admin a'], coordinators => array['mm coordinator a']);
    perform tests.create_org('MM org B', admins => array['mm admin b'], coordinators => array['mm coordinator a']);
    perform tests.create_org('MM org C', admins => array['mm admin c']);
    perform tests.create_named_user('mm newcomer');
end
$world$;

-- The mirror and the table, compared as sets for every organization of this
-- file (other files run beside it).
create function pg_temp.mm_difference()
returns bigint
language sql
stable
as $$
    with members as (
        select m.user_id, m.organization_id, m.role
        from public.organization_members as m
        where m.organization_id in (tests.org_id('MM org A'), tests.org_id('MM org B'), tests.org_id('MM org C'))
    ),

    mirror as (
        select ms.user_id, ms.organization_id, ms.role
        from private.memberships as ms
        where ms.organization_id in (tests.org_id('MM org A'), tests.org_id('MM org B'), tests.org_id('MM org C'))
    )

    select pg_catalog.count(*)
    from ((table members except table mirror) union all (table mirror except table members)) as d
$$;

select is(pg_temp.mm_difference(), 0::bigint, 'MM-01: the mirror holds exactly the memberships after setup');
select is(
    (
        select pg_catalog.count(*)
        from private.memberships as ms
        where ms.organization_id in (tests.org_id('MM org A'), tests.org_id('MM org B'))
    ),
    4::bigint,
    'MM-02: one mirror row per membership (the check above could not pass on two empty sets)'
);

-- Changes as an admin, through RLS.
select tests.authenticate_as(tests.user_id('mm admin a'));
insert into public.organization_members (organization_id, user_id, role)
values (tests.org_id('MM org A'), tests.user_id('mm newcomer'), 'coordinator');
update public.organization_members set role = 'admin'
where organization_id = tests.org_id('MM org A') and user_id = tests.user_id('mm coordinator a');
select tests.clear_authentication();
select is(pg_temp.mm_difference(), 0::bigint, 'MM-03: an insert and a role change by an admin reach the mirror');
select is(
    (
        select ms.role::text
        from private.memberships as ms
        where ms.organization_id = tests.org_id('MM org A') and ms.user_id = tests.user_id('mm coordinator a')
    ),
    'admin',
    'MM-04: the new role is in the mirror'
);

select tests.authenticate_as(tests.user_id('mm admin a'));
delete from public.organization_members
where organization_id = tests.org_id('MM org A') and user_id = tests.user_id('mm newcomer');
select tests.clear_authentication();
select is(pg_temp.mm_difference(), 0::bigint, 'MM-05: a removal reaches the mirror');

-- A statement that fails leaves the mirror as it was.
select throws_ok(
    $$
    delete from public.organization_members
    where organization_id = tests.org_id('MM org C')
    $$,
    'OM001',
    null,
    'MM-06: removing the last admin still fails'
);
select is(
    (
        select pg_catalog.count(*) from private.memberships as ms
        where ms.organization_id = tests.org_id('MM org C')
    ),
    1::bigint,
    'MM-07: and the failed statement left its mirror row'
);

-- service_role moves a membership to another user: the old key goes, the new one comes.
select tests.authenticate_as_service_role();
update public.organization_members set user_id = tests.user_id('mm newcomer')
where organization_id = tests.org_id('MM org B') and user_id = tests.user_id('mm coordinator a');
select tests.clear_authentication();
select is(pg_temp.mm_difference(), 0::bigint, 'MM-08: a key change by service_role reaches the mirror');

-- Cascades: deleting an organization, and a user's auth account.
delete from public.organizations
where id = tests.org_id('MM org C');
delete from auth.users
where id = tests.user_id('mm newcomer');
select is(pg_temp.mm_difference(), 0::bigint, 'MM-09: deleting an organization or a user cascades to the mirror');
select is(
    (
        select pg_catalog.count(*)
        from private.memberships as ms
        where ms.organization_id = tests.org_id('MM org C') or ms.user_id = tests.user_id('mm newcomer')
    ),
    0::bigint,
    'MM-10: no mirror row is left of the deleted organization or user'
);

-- What the API roles may do with it. Coordinator A now belongs to org A only
-- (MM-08 moved their membership of org B); admin A belongs to A as well.
select tests.authenticate_as(tests.user_id('mm coordinator a'));
select set_eq(
    $$select ms.organization_id from private.memberships as ms$$,
    $$values (tests.org_id('MM org A'))$$,
    'MM-11: a signed-in user reads only their own memberships'
);
select throws_ok(
    $$insert into private.memberships (user_id, organization_id, role)
    values (tests.user_id('mm coordinator a'), tests.org_id('MM org B'), 'admin')$$,
    '42501',
    null,
    'MM-12: authenticated cannot write the mirror'
);
select tests.clear_authentication();
select tests.authenticate_as_anon();
select throws_ok(
    $$select pg_catalog.count(*) from private.memberships$$,
    '42501',
    null,
    'MM-13: anon cannot read the mirror'
);
select tests.clear_authentication();
select tests.authenticate_as_service_role();
select throws_ok(
    $$delete from private.memberships$$,
    '42501',
    null,
    'MM-14: service_role cannot write the mirror'
);
select tests.clear_authentication();

-- The policies' index-only scan needs the mirror's pages all-visible, so
-- autovacuum comes back after 50 changes, not 20% of the table
-- (20261207120000, decision 0008).
select bag_eq(
    $$select pg_catalog.unnest(c.reloptions) from pg_catalog.pg_class as c
    where c.oid = 'private.memberships'::pg_catalog.regclass$$,
    $$values
        ('autovacuum_vacuum_threshold=50'),
        ('autovacuum_vacuum_scale_factor=0'),
        ('autovacuum_vacuum_insert_threshold=50'),
        ('autovacuum_vacuum_insert_scale_factor=0')$$,
    'MM-15: autovacuum visits the mirror after every 50 changes, to keep its index-only scans index-only'
);

select * from finish();
rollback;
