-- Proves the lockdown switch itself (20261207100200, 20261207100500): only
-- service_role and postgres set or lift a lockdown or list pending rotations;
-- reasons and incidents are checked (22023), unknown organizations refused
-- (P0002); set and lift return what they did, audit and notify once per
-- covered organization, and a rerun writes nothing; the history is kept; the
-- API roles read nothing of the table and write nothing, and learn which
-- organizations are locked down from private.locked_organization_ids(); and
-- credential_rotations_pending lists what an emergency revoke left to rotate.

begin;

select plan(97);

-- World: org A (admin, coordinator) with IA1 to IA3, which get credentials
-- that an emergency revoke removes, and IA4, which never has one; org B
-- (admin); org C, which is never locked down on its own.
select tests.create_org(
    'Org A', admins => array['admin a'], coordinators => array['coordinator a'],
    integrations => '{"IA1": "salesforce", "IA2": "hubspot", "IA3": "pipedrive", "IA4": "zendesk"}'
);
select tests.create_org('Org B', admins => array['admin b']);
select tests.create_org('Org C');

-- What each set and lift returned, by call; service_role writes it.
create temporary table f61_calls (
    call_name text primary key,
    lockdown_id uuid,
    organization_id uuid,
    happened_at timestamptz,
    flag boolean
) on commit drop;
grant select, insert on pg_temp.f61_calls to service_role;

-- What a set or lift may write, read as postgres: lockdowns, lockdown audit
-- rows and lockdown notifications (other files' rows are never committed, so
-- these count this file's and the seed's only), and the version of the
-- compiled private.locked_organization_ids(), which a change rewrites.
create function pg_temp.f61_written()
returns text
language sql
stable
as $written$
    select pg_catalog.concat_ws(
        ',',
        (
            select p.xmin::text from pg_catalog.pg_proc as p
            where p.oid = 'private.locked_organization_ids()'::pg_catalog.regprocedure
        ),
        (select pg_catalog.count(*) from private.organization_lockdowns),
        (select pg_catalog.count(*) from private.organization_lockdowns as l where l.lifted_at is not null),
        (
            select pg_catalog.count(*) from public.credential_audit as a
            where a.action_name in ('lockdown_set', 'lockdown_lifted')
        ),
        (
            select pg_catalog.count(*) from public.organization_notifications as n
            where n.kind in ('organization_locked_down', 'organization_lockdown_lifted')
        )
    );
$written$;

-- Saves the count under a name, to compare after a call.
create function pg_temp.f61_remember_written(p_name text)
returns void
language sql
as $remember$
    select pg_catalog.set_config('f61.written_' || p_name, pg_temp.f61_written(), true);
$remember$;

-- The details every audit row and notification of a lockdown carries.
create function pg_temp.f61_details(p_lockdown_id uuid, p_at_key text, p_at timestamptz)
returns jsonb
language sql
stable
as $details$
    select pg_catalog.jsonb_build_object(
        'lockdown_id', l.id,
        'scope', case when l.organization_id is null then 'global' else 'organization' end,
        'incident', l.incident,
        'reason', case when p_at_key = 'lifted_at' then l.lift_reason else l.reason end,
        p_at_key, p_at
    )
    from private.organization_lockdowns as l
    where l.id = p_lockdown_id;
$details$;

-- The id a call returned.
create function pg_temp.f61_id(p_call_name text)
returns uuid
language sql
stable
as $id$
    select c.lockdown_id from pg_temp.f61_calls as c where c.call_name = p_call_name;
$id$;

-- acting as postgres (catalog checks)

select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.oid in (
            'private.set_organization_lockdown(uuid, text, text)'::regprocedure,
            'private.lift_organization_lockdown(uuid, text)'::regprocedure,
            'private.credential_rotations_pending(text)'::regprocedure
        )
        and not p.prosecdef
    $$,
    'LF-01: the three private implementations are security definer'
);
select is_empty(
    $$
    select p.oid::regprocedure::text
    from pg_catalog.pg_proc as p
    where
        p.oid in (
            'public.set_organization_lockdown(uuid, text, text)'::regprocedure,
            'public.lift_organization_lockdown(uuid, text)'::regprocedure,
            'public.credential_rotations_pending(text)'::regprocedure
        )
        and p.prosecdef
    $$,
    'LF-02: the three public wrappers are security invoker'
);
select is_empty(
    $$
    select p.oid::regprocedure::text || ' ' || r.rolname
    from pg_catalog.pg_proc as p
    cross join pg_catalog.pg_roles as r
    where
        p.proname in ('set_organization_lockdown', 'lift_organization_lockdown', 'credential_rotations_pending')
        and p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
        and (
            (r.rolname in ('anon', 'authenticated') and pg_catalog.has_function_privilege(r.oid, p.oid, 'execute'))
            or (r.rolname = 'service_role' and not pg_catalog.has_function_privilege(r.oid, p.oid, 'execute'))
        )
    $$,
    'LF-03: service_role can execute all six functions, anon and authenticated none'
);

-- acting as anon

select tests.authenticate_as_anon();
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', 'INC-61')$$,
    '42501', null, 'LF-04: anon cannot set a lockdown'
);
select throws_ok(
    $$select * from public.lift_organization_lockdown(tests.org_id('Org A'), 'f61 reason')$$,
    '42501', null, 'LF-05: anon cannot lift a lockdown'
);
select throws_ok(
    $$select * from private.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', 'INC-61')$$,
    '42501', null, 'LF-06: anon cannot call the private set either'
);
select throws_ok(
    $$select * from private.lift_organization_lockdown(tests.org_id('Org A'), 'f61 reason')$$,
    '42501', null, 'LF-07: anon cannot call the private lift either'
);
select throws_ok(
    $$select * from public.credential_rotations_pending('INC-61')$$,
    '42501', null, 'LF-08: anon cannot list pending rotations'
);
select throws_ok(
    $$select * from private.credential_rotations_pending('INC-61')$$,
    '42501', null, 'LF-09: anon cannot call the private list either'
);

-- acting as admin of A

select tests.authenticate_as(tests.user_id('admin a'));
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', 'INC-61')$$,
    '42501', null, 'LF-10: an admin cannot set a lockdown, even of their own organization'
);
select throws_ok(
    $$select * from public.lift_organization_lockdown(tests.org_id('Org A'), 'f61 reason')$$,
    '42501', null, 'LF-11: an admin cannot lift a lockdown'
);
select throws_ok(
    $$select * from private.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', 'INC-61')$$,
    '42501', null, 'LF-12: an admin cannot call the private set either'
);
select throws_ok(
    $$select * from private.lift_organization_lockdown(tests.org_id('Org A'), 'f61 reason')$$,
    '42501', null, 'LF-13: an admin cannot call the private lift either'
);
select throws_ok(
    $$select * from public.credential_rotations_pending('INC-61')$$,
    '42501', null, 'LF-14: an admin cannot list pending rotations'
);
select throws_ok(
    $$select * from private.credential_rotations_pending('INC-61')$$,
    '42501', null, 'LF-15: an admin cannot call the private list either'
);

-- acting as postgres

select tests.clear_authentication();
select pg_temp.f61_remember_written('before_refusals');

-- acting as service_role: refused text and unknown organizations

select tests.authenticate_as_service_role();
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), null, 'INC-61')$$,
    '22023', null, 'LF-16: set: a null reason is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), '', 'INC-61')$$,
    '22023', null, 'LF-17: set: an empty reason is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), '   ', 'INC-61')$$,
    '22023', null, 'LF-18: set: a blank reason is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), repeat('x', 1001), 'INC-61')$$,
    '22023', null, 'LF-19: set: a reason over 1,000 characters is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), e'two\nlines', 'INC-61')$$,
    '22023', null, 'LF-20: set: a reason with a control character (newline) is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), 'abc' || chr(8238) || 'def', 'INC-61')$$,
    '22023', null, 'LF-21: set: a reason with a bidi override (U+202E) is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', '')$$,
    '22023', null, 'LF-22: set: an empty incident is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', '   ')$$,
    '22023', null, 'LF-23: set: a blank incident is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', repeat('x', 201))$$,
    '22023', null, 'LF-24: set: an incident over 200 characters is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', e'INC\t61')$$,
    '22023', null, 'LF-25: set: an incident with a control character (tab) is 22023'
);
select throws_ok(
    $$
    select * from public.set_organization_lockdown(tests.org_id('Org A'), 'f61 reason', 'INC-' || chr(8294) || '61')
    $$,
    '22023', null, 'LF-26: set: an incident with a bidi isolate (U+2066) is 22023'
);
select throws_ok(
    $$select * from public.lift_organization_lockdown(tests.org_id('Org A'), null)$$,
    '22023', null, 'LF-27: lift: a null reason is 22023'
);
select throws_ok(
    $$select * from public.lift_organization_lockdown(tests.org_id('Org A'), ' ')$$,
    '22023', null, 'LF-28: lift: a blank reason is 22023'
);
select throws_ok(
    $$select * from public.lift_organization_lockdown(tests.org_id('Org A'), repeat('x', 1001))$$,
    '22023', null, 'LF-29: lift: a reason over 1,000 characters is 22023'
);
select throws_ok(
    $$select * from public.lift_organization_lockdown(tests.org_id('Org A'), e'all\rclear')$$,
    '22023', null, 'LF-30: lift: a reason with a control character (carriage return) is 22023'
);
select throws_ok(
    $$select * from public.set_organization_lockdown(tests.org_id('never created'), 'f61 reason', 'INC-61')$$,
    'P0002', null, 'LF-31: set: an unknown organization is P0002'
);
select throws_ok(
    $$select * from public.lift_organization_lockdown(tests.org_id('never created'), 'f61 reason')$$,
    'P0002', null, 'LF-32: lift: an unknown organization is P0002'
);

-- acting as postgres

select tests.clear_authentication();
select is(
    pg_temp.f61_written(),
    pg_catalog.current_setting('f61.written_before_refusals'),
    'LF-33: the refused calls wrote no lockdown, audit row or notification, and compiled nothing'
);

-- acting as service_role: set org A's lockdown, then again

select tests.authenticate_as_service_role();
select lives_ok(
    $$
    insert into pg_temp.f61_calls
    select 'set A', l.* from public.set_organization_lockdown(tests.org_id('Org A'), 'f61: A locked', 'INC-61') as l
    $$,
    'LF-34: service_role sets org A''s lockdown'
);

-- acting as postgres

select tests.clear_authentication();
select results_eq(
    $$
    select c.organization_id, c.happened_at, c.flag, l.organization_id, l.reason, l.incident, l.set_at, l.set_by_role,
        l.set_by_user_id, l.lifted_at
    from pg_temp.f61_calls as c
    inner join private.organization_lockdowns as l on c.lockdown_id = l.id
    where c.call_name = 'set A'
    $$,
    $$
    values (
        tests.org_id('Org A'), pg_catalog.now(), false, tests.org_id('Org A'), 'f61: A locked', 'INC-61',
        pg_catalog.now(), 'service_role', null::uuid, null::timestamptz
    )
    $$,
    'LF-35: the set returns the new lockdown (its id, organization, set_at, not already active), as recorded'
);
select bag_eq(
    $$
    select a.organization_id, a.action_name, a.actor_role, a.actor_user_id, a.integration_id, a.details
    from public.credential_audit as a
    where a.details ->> 'lockdown_id' = pg_temp.f61_id('set A')::text
    $$,
    $$
    values (
        tests.org_id('Org A'), 'lockdown_set', 'service_role', null::uuid, null::uuid,
        pg_temp.f61_details(pg_temp.f61_id('set A'), 'set_at', pg_catalog.now())
    )
    $$,
    'LF-36: one lockdown_set audit row, for org A, by service_role, with lockdown_id, scope, incident, reason, set_at'
);
select bag_eq(
    $$
    select n.organization_id, n.kind, n.details
    from public.organization_notifications as n
    where n.details ->> 'lockdown_id' = pg_temp.f61_id('set A')::text
    $$,
    $$
    values (
        tests.org_id('Org A'), 'organization_locked_down',
        pg_temp.f61_details(pg_temp.f61_id('set A'), 'set_at', pg_catalog.now())
    )
    $$,
    'LF-37: one organization_locked_down notification, for org A, with the same details'
);
select is(
    pg_temp.f61_details(pg_temp.f61_id('set A'), 'set_at', pg_catalog.now()),
    pg_catalog.jsonb_build_object(
        'lockdown_id', pg_temp.f61_id('set A'), 'scope', 'organization', 'incident', 'INC-61',
        'reason', 'f61: A locked', 'set_at', pg_catalog.now()
    ),
    'LF-38: those details are the lockdown''s id, scope organization, incident, reason and set_at'
);
select pg_temp.f61_remember_written('after_set_a');

-- acting as service_role

select tests.authenticate_as_service_role();
select lives_ok(
    $$
    insert into pg_temp.f61_calls
    select 'set A again', l.*
    from public.set_organization_lockdown(tests.org_id('Org A'), 'f61: A again', 'INC-61-again') as l
    $$,
    'LF-39: service_role sets org A''s lockdown again'
);

-- acting as postgres

select tests.clear_authentication();
select results_eq(
    $$
    select c.lockdown_id, c.organization_id, c.happened_at, c.flag
    from pg_temp.f61_calls as c
    where c.call_name = 'set A again'
    $$,
    $$select pg_temp.f61_id('set A'), tests.org_id('Org A'), pg_catalog.now(), true$$,
    'LF-40: the rerun returns the active lockdown, already_active'
);
select is(
    pg_temp.f61_written(),
    pg_catalog.current_setting('f61.written_after_set_a'),
    'LF-41: the rerun wrote no lockdown, audit row or notification, and did not recompile'
);
select results_eq(
    $$select l.reason, l.incident from private.organization_lockdowns as l where l.id = pg_temp.f61_id('set A')$$,
    $$values ('f61: A locked', 'INC-61')$$,
    'LF-42: the rerun kept the active lockdown''s reason and incident'
);

-- acting as service_role: org B (no incident, a reason at the limit), then
-- the global lockdown (an incident at the limit) on top

select tests.authenticate_as_service_role();
select lives_ok(
    $$
    insert into pg_temp.f61_calls
    select 'set B', l.* from public.set_organization_lockdown(tests.org_id('Org B'), repeat('é', 1000), null) as l
    $$,
    'LF-43: service_role sets org B''s lockdown with no incident and a reason of 1,000 two-byte characters'
);
select lives_ok(
    $$
    insert into pg_temp.f61_calls
    select 'set global', l.* from public.set_organization_lockdown(null, 'f61: all locked', repeat('G', 200)) as l
    $$,
    'LF-44: service_role sets the global lockdown with an incident of 200 characters'
);

-- acting as postgres

select tests.clear_authentication();
select results_eq(
    $$
    select c.organization_id, c.flag, l.incident, l.reason = repeat('é', 1000)
    from pg_temp.f61_calls as c
    inner join private.organization_lockdowns as l on c.lockdown_id = l.id
    where c.call_name = 'set B'
    $$,
    $$values (tests.org_id('Org B'), false, null::text, true)$$,
    'LF-45: org B''s lockdown is new, with a null incident and the whole reason'
);
select results_eq(
    $$
    select c.organization_id, c.happened_at, c.flag, l.organization_id, l.incident
    from pg_temp.f61_calls as c
    inner join private.organization_lockdowns as l on c.lockdown_id = l.id
    where c.call_name = 'set global'
    $$,
    $$values (null::uuid, pg_catalog.now(), false, null::uuid, repeat('G', 200))$$,
    'LF-46: the global lockdown is new, its organization null'
);
select set_eq(
    $$
    select l.id from private.organization_lockdowns as l
    where
        l.lifted_at is null
        and (l.organization_id in (tests.org_id('Org A'), tests.org_id('Org B')) or l.organization_id is null)
    $$,
    $$values (pg_temp.f61_id('set A')), (pg_temp.f61_id('set B')), (pg_temp.f61_id('set global'))$$,
    'LF-47: org A''s, org B''s and the global lockdown are active together'
);
select bag_eq(
    $$
    select u.organization_id
    from pg_catalog.unnest(private.locked_organization_ids()) as u (organization_id)
    where
        u.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'), tests.org_id('Org C'))
        or u.organization_id is null
    $$,
    $$values (tests.org_id('Org A')), (tests.org_id('Org B')), (null::uuid)$$,
    'LF-48: and compiled into locked_organization_ids(): A, B and a null element for the global one'
);
select set_eq(
    $$
    select a.organization_id
    from public.credential_audit as a
    where a.details ->> 'lockdown_id' = pg_temp.f61_id('set global')::text
    $$,
    $$select o.id from public.organizations as o$$,
    'LF-49: the global lockdown audited every organization'
);
select bag_eq(
    $$
    select a.action_name, a.actor_role, a.details
    from public.credential_audit as a
    where a.details ->> 'lockdown_id' = pg_temp.f61_id('set global')::text
    $$,
    $$
    select
        'lockdown_set' as action_name,
        'service_role' as actor_role,
        pg_temp.f61_details(pg_temp.f61_id('set global'), 'set_at', pg_catalog.now()) as details
    from public.organizations
    $$,
    'LF-50: once each: lockdown_set by service_role, scope global, the same details'
);
select bag_eq(
    $$
    select n.organization_id, n.kind, n.details
    from public.organization_notifications as n
    where n.details ->> 'lockdown_id' = pg_temp.f61_id('set global')::text
    $$,
    $$
    select
        o.id,
        'organization_locked_down' as kind,
        pg_temp.f61_details(pg_temp.f61_id('set global'), 'set_at', pg_catalog.now()) as details
    from public.organizations as o
    $$,
    'LF-51: the global lockdown notified every organization once, A, B and C included'
);
select is(
    pg_temp.f61_details(pg_temp.f61_id('set global'), 'set_at', pg_catalog.now()),
    pg_catalog.jsonb_build_object(
        'lockdown_id', pg_temp.f61_id('set global'), 'scope', 'global', 'incident', repeat('G', 200),
        'reason', 'f61: all locked', 'set_at', pg_catalog.now()
    ),
    'LF-52: those details are the global lockdown''s id, scope global, incident, reason and set_at'
);
select pg_temp.f61_remember_written('after_set_global');

-- acting as service_role: the global lockdown again, then lifted, then
-- lifted again

select tests.authenticate_as_service_role();
select results_eq(
    $$
    select l.lockdown_id, l.organization_id, l.already_active
    from public.set_organization_lockdown(null, 'f61: all locked again', 'INC-61-G') as l
    $$,
    $$select pg_temp.f61_id('set global'), null::uuid, true$$,
    'LF-53: setting the global lockdown again returns it, already_active'
);

-- acting as postgres

select tests.clear_authentication();
select is(
    pg_temp.f61_written(),
    pg_catalog.current_setting('f61.written_after_set_global'),
    'LF-54: the rerun wrote no lockdown, audit row or notification, and did not recompile'
);

-- acting as service_role

select tests.authenticate_as_service_role();
select lives_ok(
    $$
    insert into pg_temp.f61_calls
    select 'lift global', l.* from public.lift_organization_lockdown(null, 'f61: all clear') as l
    $$,
    'LF-55: service_role lifts the global lockdown'
);

-- acting as postgres

select tests.clear_authentication();
select results_eq(
    $$
    select c.lockdown_id, c.organization_id, c.happened_at, c.flag
    from pg_temp.f61_calls as c
    where c.call_name = 'lift global'
    $$,
    $$select pg_temp.f61_id('set global'), null::uuid, pg_catalog.now(), true$$,
    'LF-56: the lift returns the global lockdown, lifted_at, was_active'
);
select results_eq(
    $$
    select
        private.organization_is_locked_down(tests.org_id('Org A')),
        private.organization_is_locked_down(tests.org_id('Org B')),
        private.organization_is_locked_down(tests.org_id('Org C')),
        private.organization_is_locked_down(null)
    $$,
    $$values (true, true, false, false)$$,
    'LF-57: lifting the global lockdown leaves org A''s and org B''s; org C is free'
);
select bag_eq(
    $$
    select a.organization_id, a.action_name, a.actor_role, a.details
    from public.credential_audit as a
    where a.details ->> 'lockdown_id' = pg_temp.f61_id('set global')::text and a.action_name = 'lockdown_lifted'
    $$,
    $$
    select
        o.id,
        'lockdown_lifted' as action_name,
        'service_role' as actor_role,
        pg_temp.f61_details(pg_temp.f61_id('set global'), 'lifted_at', pg_catalog.now()) as details
    from public.organizations as o
    $$,
    'LF-58: the lift audited every organization once: lockdown_lifted, the lift reason, lifted_at'
);
select bag_eq(
    $$
    select n.organization_id, n.kind, n.details
    from public.organization_notifications as n
    where n.details ->> 'lockdown_id' = pg_temp.f61_id('set global')::text and n.kind = 'organization_lockdown_lifted'
    $$,
    $$
    select
        o.id,
        'organization_lockdown_lifted' as kind,
        pg_temp.f61_details(pg_temp.f61_id('set global'), 'lifted_at', pg_catalog.now()) as details
    from public.organizations as o
    $$,
    'LF-59: the lift notified every organization once: organization_lockdown_lifted'
);
select is(
    pg_temp.f61_details(pg_temp.f61_id('set global'), 'lifted_at', pg_catalog.now()) - 'lockdown_id',
    pg_catalog.jsonb_build_object(
        'scope', 'global', 'incident', repeat('G', 200), 'reason', 'f61: all clear', 'lifted_at', pg_catalog.now()
    ),
    'LF-60: a lift''s details carry the lift''s reason and the lockdown''s incident'
);
select pg_temp.f61_remember_written('after_lift_global');

-- acting as service_role

select tests.authenticate_as_service_role();
select results_eq(
    $$
    select l.lockdown_id, l.organization_id, l.lifted_at, l.was_active
    from public.lift_organization_lockdown(null, 'f61: all clear again') as l
    $$,
    $$values (null::uuid, null::uuid, null::timestamptz, false)$$,
    'LF-61: lifting the global lockdown again returns was_active false'
);
select results_eq(
    $$
    select l.lockdown_id, l.organization_id, l.lifted_at, l.was_active
    from public.lift_organization_lockdown(tests.org_id('Org C'), 'f61: nothing to lift') as l
    $$,
    $$values (null::uuid, tests.org_id('Org C'), null::timestamptz, false)$$,
    'LF-62: lifting an organization that was never locked down returns was_active false'
);

-- acting as postgres

select tests.clear_authentication();
select is(
    pg_temp.f61_written(),
    pg_catalog.current_setting('f61.written_after_lift_global'),
    'LF-63: lifting nothing wrote no lockdown change, audit row or notification, and did not recompile'
);
select results_eq(
    $$
    select l.reason, l.lifted_at, l.lift_reason, l.lifted_by_role, l.lifted_by_user_id
    from private.organization_lockdowns as l
    where l.id = pg_temp.f61_id('set global')
    $$,
    $$values ('f61: all locked', pg_catalog.now(), 'f61: all clear', 'service_role', null::uuid)$$,
    'LF-64: the lifted global lockdown stays, with its reason, lifted_at, lift reason and who lifted it'
);

-- Lifted by postgres (a direct session is privileged too).
select results_eq(
    $$
    select l.lockdown_id, l.organization_id, l.was_active
    from public.lift_organization_lockdown(tests.org_id('Org A'), 'f61: A clear') as l
    $$,
    $$select pg_temp.f61_id('set A'), tests.org_id('Org A'), true$$,
    'LF-65: postgres lifts org A''s lockdown'
);
select results_eq(
    $$
    select l.organization_id, l.reason, l.incident, l.set_by_role, l.lifted_at, l.lift_reason, l.lifted_by_role
    from private.organization_lockdowns as l
    where l.id = pg_temp.f61_id('set A')
    $$,
    $$
    values (
        tests.org_id('Org A'), 'f61: A locked', 'INC-61', 'service_role', pg_catalog.now(), 'f61: A clear', 'postgres'
    )
    $$,
    'LF-66: org A''s history row keeps reason and incident, and records lifted_at, the lift reason and postgres'
);
select results_eq(
    $$
    select a.organization_id, a.actor_role, a.details ->> 'reason'
    from public.credential_audit as a
    where a.details ->> 'lockdown_id' = pg_temp.f61_id('set A')::text and a.action_name = 'lockdown_lifted'
    $$,
    $$values (tests.org_id('Org A'), 'postgres', 'f61: A clear')$$,
    'LF-67: the lift by postgres is audited once, as postgres'
);
select pg_temp.f61_remember_written('after_lift_a');
select results_eq(
    $$
    select l.lockdown_id, l.was_active
    from public.lift_organization_lockdown(tests.org_id('Org A'), 'f61: A clear again') as l
    $$,
    $$values (null::uuid, false)$$,
    'LF-68: lifting org A again returns was_active false'
);
select is(
    pg_temp.f61_written(),
    pg_catalog.current_setting('f61.written_after_lift_a'),
    'LF-69: and writes nothing, nor recompiles'
);

-- acting as service_role: org A locked down anew

select tests.authenticate_as_service_role();
select lives_ok(
    $$
    insert into pg_temp.f61_calls
    select 'set A anew', l.* from public.set_organization_lockdown(tests.org_id('Org A'), 'f61: A relocked', null) as l
    $$,
    'LF-70: service_role locks org A down anew'
);

-- acting as postgres

select tests.clear_authentication();
select results_eq(
    $$
    select c.flag, c.lockdown_id <> pg_temp.f61_id('set A')
    from pg_temp.f61_calls as c
    where c.call_name = 'set A anew'
    $$,
    $$values (false, true)$$,
    'LF-71: after a lift, a set is a new lockdown with a new id'
);
select results_eq(
    $$
    select pg_catalog.count(*)::integer, pg_catalog.count(*) filter (where l.lifted_at is null)::integer
    from private.organization_lockdowns as l
    where l.organization_id = tests.org_id('Org A')
    $$,
    $$values (2, 1)$$,
    'LF-72: org A has two lockdown rows, the lifted one kept and the new one active'
);

-- What the API roles learn of the lockdowns: A's new lockdown and B's are
-- active; A's first one and the global one are lifted. They read no column
-- of private.organization_lockdowns; the policies and the client functions
-- read the active organization ids from private.locked_organization_ids(),
-- the table compiled into a constant, which they may call.

-- acting as coordinator of A

select tests.authenticate_as(tests.user_id('coordinator a'));
select bag_eq(
    $$
    select u.organization_id
    from pg_catalog.unnest(private.locked_organization_ids()) as u (organization_id)
    where
        u.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'), tests.org_id('Org C'))
        or u.organization_id is null
    $$,
    $$values (tests.org_id('Org A')), (tests.org_id('Org B'))$$,
    'LF-73: authenticated learns the active lockdowns, A''s and B''s once each, from locked_organization_ids()'
);
select throws_ok(
    $$select l.organization_id, l.lifted_at from private.organization_lockdowns as l$$,
    '42501', null, 'LF-74: authenticated cannot select organization_id or lifted_at of the table'
);
select throws_ok(
    $$select l.reason from private.organization_lockdowns as l$$,
    '42501', null, 'LF-75: authenticated cannot select reason'
);
select throws_ok(
    $$select l.* from private.organization_lockdowns as l$$,
    '42501', null, 'LF-76: authenticated cannot select every column'
);
select throws_ok(
    $$
    insert into private.organization_lockdowns (organization_id, reason, set_by_role)
    values (tests.org_id('Org C'), 'f61 forged', 'authenticated')
    $$,
    '42501', null, 'LF-77: authenticated cannot insert a lockdown'
);
select throws_ok(
    $$update private.organization_lockdowns set lifted_at = pg_catalog.now(), lift_reason = 'x', lifted_by_role = 'x'$$,
    '42501', null, 'LF-78: authenticated cannot update (lift) a lockdown'
);
select throws_ok(
    $$delete from private.organization_lockdowns$$,
    '42501', null, 'LF-79: authenticated cannot delete a lockdown'
);

-- acting as anon

select tests.authenticate_as_anon();
select bag_eq(
    $$
    select u.organization_id
    from pg_catalog.unnest(private.locked_organization_ids()) as u (organization_id)
    where
        u.organization_id in (tests.org_id('Org A'), tests.org_id('Org B'), tests.org_id('Org C'))
        or u.organization_id is null
    $$,
    $$values (tests.org_id('Org A')), (tests.org_id('Org B'))$$,
    'LF-80: anon learns the active lockdowns from locked_organization_ids() too'
);
select throws_ok(
    $$select l.organization_id, l.lifted_at from private.organization_lockdowns as l$$,
    '42501', null, 'LF-81: anon cannot select organization_id or lifted_at of the table'
);
select throws_ok(
    $$select l.reason, l.incident from private.organization_lockdowns as l$$,
    '42501', null, 'LF-82: anon cannot select reason or incident'
);
select throws_ok(
    $$
    insert into private.organization_lockdowns (organization_id, reason, set_by_role)
    values (tests.org_id('Org C'), 'f61 forged', 'anon')
    $$,
    '42501', null, 'LF-83: anon cannot insert a lockdown'
);
select throws_ok(
    $$update private.organization_lockdowns set lifted_at = pg_catalog.now(), lift_reason = 'x', lifted_by_role = 'x'$$,
    '42501', null, 'LF-84: anon cannot update (lift) a lockdown'
);
select throws_ok(
    $$delete from private.organization_lockdowns$$,
    '42501', null, 'LF-85: anon cannot delete a lockdown'
);

-- acting as service_role: it reads every row, but writes only through the functions

select tests.authenticate_as_service_role();
select throws_ok(
    $$
    insert into private.organization_lockdowns (organization_id, reason, set_by_role)
    values (tests.org_id('Org C'), 'f61 forged', 'service_role')
    $$,
    '42501', null, 'LF-86: service_role cannot insert a lockdown directly'
);
select throws_ok(
    $$update private.organization_lockdowns set lifted_at = pg_catalog.now(), lift_reason = 'x', lifted_by_role = 'x'$$,
    '42501', null, 'LF-87: service_role cannot update (lift) a lockdown directly'
);
select throws_ok(
    $$delete from private.organization_lockdowns$$,
    '42501', null, 'LF-88: service_role cannot delete a lockdown'
);

-- credential_rotations_pending. As postgres: IA1 to IA3 get credentials.

select tests.clear_authentication();
do $setup$
begin
    perform public.store_credential(tests.integration_id('IA1'), 'f61-secret-1');
    perform public.store_credential(tests.integration_id('IA2'), 'f61-secret-2');
    perform public.store_credential(tests.integration_id('IA3'), 'f61-secret-3');
end
$setup$;

-- acting as service_role: the emergency revoke of incident INC-61, while
-- org A is locked down

select tests.authenticate_as_service_role();
select set_eq(
    $$select r.integration_id from public.emergency_revoke_credentials(tests.org_id('Org A'), 'INC-61') as r$$,
    $$values (tests.integration_id('IA1')), (tests.integration_id('IA2')), (tests.integration_id('IA3'))$$,
    'LF-89: service_role revokes org A''s three credentials for INC-61, lockdown or not'
);
select set_eq(
    $$
    select p.organization_id, p.integration_id, p.provider, p.display_name, p.revoked_at
    from public.credential_rotations_pending('INC-61') as p
    $$,
    $$
    values
    (tests.org_id('Org A'), tests.integration_id('IA1'), 'salesforce', 'IA1', pg_catalog.now()),
    (tests.org_id('Org A'), tests.integration_id('IA2'), 'hubspot', 'IA2', pg_catalog.now()),
    (tests.org_id('Org A'), tests.integration_id('IA3'), 'pipedrive', 'IA3', pg_catalog.now())
    $$,
    'LF-90: service_role: the three revoked integrations are pending, IA4 (never revoked) is not'
);
select is_empty(
    $$select p.integration_id from public.credential_rotations_pending('INC-61-other') as p$$,
    'LF-91: service_role: another incident has nothing pending'
);
select throws_ok(
    $$select * from public.credential_rotations_pending(null)$$,
    '22023', null, 'LF-92: service_role: a null incident is 22023'
);
select throws_ok(
    $$select * from public.credential_rotations_pending('  ')$$,
    '22023', null, 'LF-93: service_role: a blank incident is 22023'
);
select throws_ok(
    $$select * from public.credential_rotations_pending(repeat('x', 201))$$,
    '22023', null, 'LF-94: service_role: an incident over 200 characters is 22023'
);
select throws_ok(
    $$select * from public.credential_rotations_pending(e'INC\n61')$$,
    '22023', null, 'LF-95: service_role: an incident with a control character is 22023'
);

-- acting as postgres: a new credential for IA1, then IA3 deleted

select tests.clear_authentication();
do $rotate$
begin
    perform public.store_credential(tests.integration_id('IA1'), 'f61-rotated-1');
end
$rotate$;
select set_eq(
    $$select p.integration_id from public.credential_rotations_pending('INC-61') as p$$,
    $$values (tests.integration_id('IA2')), (tests.integration_id('IA3'))$$,
    'LF-96: once postgres stores a new credential for IA1, only IA2 and IA3 are pending'
);
delete from public.organization_integrations
where id = tests.integration_id('IA3');
select set_eq(
    $$select p.integration_id from public.credential_rotations_pending('INC-61') as p$$,
    $$values (tests.integration_id('IA2'))$$,
    'LF-97: a deleted integration is no longer pending: only IA2 is'
);

select * from finish();

rollback;
