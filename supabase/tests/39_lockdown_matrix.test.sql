-- Proves the organization lockdown as a matrix: seven actors (anon, a
-- non-member, the coordinators and admins of A and B, service_role), 24
-- operations (select, insert, update and delete on the five tables, the
-- credential functions, the problem lists) and five states: before any
-- lockdown, org A locked down, lifted, every organization locked down, lifted.
-- A locked organization answers every API-role attempt as it answers an
-- outsider (0 rows, 42501, null) and changes nothing, except that its admins
-- still read its notifications; org B keeps its answers until the global
-- lockdown; service_role keeps working; lifting brings every answer back;
-- and a plan cached before a set or lift follows it.

begin;

select plan(1090);

-- World: org A and org B, built alike: an admin, a coordinator and a second
-- coordinator ("member") whom admins re-role and remove; an integration with
-- a credential that the writes change (IA1, IB1) and one they delete (IA2,
-- IB2); a notification and the audit rows of the stores. A non-member, and a
-- user no organization has yet, whom admins add.
select tests.create_org(
    'Org A', admins => array['admin a'], coordinators => array['coordinator a', 'member a'],
    integrations => '{"IA1": "salesforce", "IA2": "hubspot"}'
);
select tests.create_org(
    'Org B', admins => array['admin b'], coordinators => array['coordinator b', 'member b'],
    integrations => '{"IB1": "salesforce", "IB2": "hubspot"}'
);
select tests.create_named_user('outsider');
select tests.create_named_user('newcomer');

insert into public.organization_notifications (organization_id, kind, details)
values
(tests.org_id('Org A'), 'integration_config_repaired', '{"integration_count": 0, "integrations": []}'),
(tests.org_id('Org B'), 'integration_config_repaired', '{"integration_count": 0, "integrations": []}');

-- As postgres: the two credentials. Secret ids are random, so they are kept
-- in transaction-local settings, set in a DO block (a random id printed to
-- the TAP stream could parse as a plan line).
do $setup$
begin
    perform pg_catalog.set_config(
        'f39.secret_a', public.store_credential(tests.integration_id('IA1'), 'f39-original-a')::text, true
    );
    perform pg_catalog.set_config(
        'f39.secret_b', public.store_credential(tests.integration_id('IB1'), 'f39-original-b')::text, true
    );
end
$setup$;

-- Everything an attempt could change in one organization: the organization,
-- its members, its integrations, their secrets (a write to a secret changes
-- its ciphertext), its notifications and the number of its audit rows.
create function pg_temp.f39_fingerprint(p_organization_id uuid)
returns text
language sql
stable
as $fingerprint$
    select pg_catalog.md5(pg_catalog.concat_ws(
        '|',
        (
            select pg_catalog.concat_ws(',', o.id, o.name, o.updated_at)
            from public.organizations as o
            where o.id = p_organization_id
        ),
        (
            select pg_catalog.string_agg(pg_catalog.concat_ws(',', m.user_id, m.role), ';' order by m.user_id)
            from public.organization_members as m
            where m.organization_id = p_organization_id
        ),
        (
            select pg_catalog.string_agg(
                pg_catalog.concat_ws(
                    ',', i.id, i.provider, i.display_name, i.status, i.vault_secret_id, i.updated_at,
                    i.field_mappings, i.sync_schedule
                ),
                ';' order by i.id
            )
            from public.organization_integrations as i
            where i.organization_id = p_organization_id
        ),
        (
            select pg_catalog.string_agg(
                pg_catalog.concat_ws(',', s.id, s.name, s.secret, pg_catalog.encode(s.nonce, 'hex')),
                ';' order by s.id
            )
            from vault.secrets as s
            where s.id in (
                select i.vault_secret_id
                from public.organization_integrations as i
                where i.organization_id = p_organization_id
            )
            or s.name in (
                select 'integration_credential:' || i.id::text
                from public.organization_integrations as i
                where i.organization_id = p_organization_id
            )
        ),
        (
            select pg_catalog.string_agg(n.id::text, ';' order by n.id)
            from public.organization_notifications as n
            where n.organization_id = p_organization_id
        ),
        (
            select pg_catalog.count(*)
            from public.credential_audit as a
            where a.organization_id = p_organization_id
        )
    ));
$fingerprint$;

-- Both organizations: an attempt on A must not change B either.
create function pg_temp.f39_world()
returns text
language sql
stable
as $world$
    select pg_temp.f39_fingerprint(tests.org_id('Org A')) || pg_temp.f39_fingerprint(tests.org_id('Org B'));
$world$;

-- The states, in the order they are reached; locked_orgs: the organizations
-- a lockdown covers in that state.
create temporary table f39_states (
    state text primary key,
    nn integer not null unique,
    heading text not null,
    locked_orgs text[] not null
) on commit drop;
insert into pg_temp.f39_states (state, nn, heading, locked_orgs)
values
('BASE', 1, 'before any lockdown', '{}'),
('LOCKA', 2, 'org A locked down', '{A}'),
('LIFTA', 3, 'A''s lockdown lifted', '{}'),
('GLOBAL', 4, 'global lockdown', '{A,B}'),
('LIFTG', 5, 'global lockdown lifted', '{}');

-- The actors. home: the organization a user belongs to, with home_role;
-- target_orgs: the organizations whose rows the actor's attempts aim at. Every
-- actor aims at A; B's admin and coordinator also at B, their own, which a
-- lockdown of A must leave alone; service_role at both.
create temporary table f39_actors (
    actor text primary key,
    nn integer not null unique,
    heading text not null,
    user_name text,
    home text,
    home_role text,
    target_orgs text[] not null
) on commit drop;
insert into pg_temp.f39_actors (actor, nn, heading, user_name, home, home_role, target_orgs)
values
('AN', 1, 'anon', null, null, null, '{A}'),
('NM', 2, 'non-member', 'outsider', null, null, '{A}'),
('CA', 3, 'coordinator A', 'coordinator a', 'A', 'coordinator', '{A}'),
('AA', 4, 'admin A', 'admin a', 'A', 'admin', '{A}'),
('AB', 5, 'admin B', 'admin b', 'B', 'admin', '{A,B}'),
('CB', 6, 'coordinator B', 'coordinator b', 'B', 'coordinator', '{A,B}'),
('SR', 7, 'service_role', null, null, null, '{A,B}');

-- What an attempt names, per target organization.
create temporary table f39_targets (
    target_org text primary key,
    org_name text not null,
    changed_integration text not null,
    deleted_integration text not null,
    changed_member text not null
) on commit drop;
insert into pg_temp.f39_targets (target_org, org_name, changed_integration, deleted_integration, changed_member)
values
('A', 'Org A', 'IA1', 'IA2', 'member a'),
('B', 'Org B', 'IB1', 'IB2', 'member b');

-- The operations, with the answer each kind of actor gets before any
-- lockdown, and the answer while the organization is locked. attempt is a
-- format() template: %1$L the organization's name, %2$L the integration
-- writes change, %3$L the one deletes remove, %4$L the member writes change.
-- scope: 'organization' aims at a target organization; 'caller' reads no
-- organization's rows and is locked with the caller's own organization: the
-- problem lists, and the writes that name no row (*_all). An update or delete
-- that names its rows must select them first, so the select policies alone
-- would hide them; one that reads no column meets only its own command's
-- policies, which these prove one by one.
-- kind says how an attempt is observed (pg_temp.f39_observe):
--   read: 'all' (every row of the organization that postgres sees, at least
--   one), 'none', or 'n of m';
--   write: 'changed' (the world's fingerprint changed) or 'n rows';
--   call: the value, 'id' for the target's secret id, 'null', or 'changed'.
-- Every kind answers a SQLSTATE when the attempt raises one. A null answer
-- is no cell: service_role bypasses RLS, so its *_all writes would reach
-- every row of the database, other test files' committed rows included; its
-- writes that name their rows prove it keeps working.
create temporary table f39_operations (
    nn integer primary key,
    operation_name text not null unique,
    heading text not null,
    scope text not null,
    kind text not null,
    attempt text not null,
    as_anon text not null,
    as_outsider text not null,
    as_coordinator text not null,
    as_admin text not null,
    as_service_role text,
    while_locked text not null
) on commit drop;
insert into pg_temp.f39_operations (
    nn, operation_name, heading, scope, kind, attempt,
    as_anon, as_outsider, as_coordinator, as_admin, as_service_role, while_locked
)
values
(
    1, 'organizations.select', 'select %1$s', 'organization', 'read',
    $$select o.id from public.organizations as o where o.id = tests.org_id(%1$L)$$,
    '42501', 'none', 'all', 'all', 'all', 'none'
),
(
    2, 'organizations.update', 'rename %1$s', 'organization', 'write',
    $$update public.organizations set name = 'f39 renamed' where id = tests.org_id(%1$L)$$,
    '42501', '0 rows', '0 rows', 'changed', 'changed', '0 rows'
),
(
    3, 'organizations.update_all', 'rename every organization it may, reading none', 'caller', 'write',
    $$update public.organizations set name = 'f39 renamed'$$,
    '42501', '0 rows', '0 rows', 'changed', null, '0 rows'
),
(
    4, 'members.select', 'select the members of %1$s', 'organization', 'read',
    $$select m.user_id from public.organization_members as m where m.organization_id = tests.org_id(%1$L)$$,
    '42501', 'none', 'all', 'all', 'all', 'none'
),
(
    5, 'members.insert', 'add a member to %1$s', 'organization', 'write',
    $$
    insert into public.organization_members (organization_id, user_id, role)
    values (tests.org_id(%1$L), tests.user_id('newcomer'), 'coordinator')
    $$,
    '42501', '42501', '42501', 'changed', 'changed', '42501'
),
(
    6, 'members.update', 'make a coordinator of %1$s an admin', 'organization', 'write',
    $$
    update public.organization_members set role = 'admin'
    where organization_id = tests.org_id(%1$L) and user_id = tests.user_id(%4$L)
    $$,
    '42501', '0 rows', '0 rows', 'changed', 'changed', '0 rows'
),
(
    7, 'members.update_all', 'make every member it may an admin, reading none', 'caller', 'write',
    $$update public.organization_members set role = 'admin'$$,
    '42501', '0 rows', '0 rows', 'changed', null, '0 rows'
),
(
    8, 'members.delete', 'remove a coordinator of %1$s', 'organization', 'write',
    $$
    delete from public.organization_members
    where organization_id = tests.org_id(%1$L) and user_id = tests.user_id(%4$L)
    $$,
    '42501', '0 rows', '0 rows', 'changed', 'changed', '0 rows'
),
(
    -- A coordinator may leave; an admin reaches every member, the last admin
    -- included, and the last-admin rule stops them (OM001).
    9, 'members.delete_all', 'remove every member it may, reading none', 'caller', 'write',
    $$delete from public.organization_members$$,
    '42501', '0 rows', 'changed', 'OM001', null, '0 rows'
),
(
    10, 'integrations.select', 'select the integrations of %1$s', 'organization', 'read',
    $$select i.id from public.organization_integrations as i where i.organization_id = tests.org_id(%1$L)$$,
    '42501', 'none', 'all', 'all', 'all', 'none'
),
(
    11, 'integrations.insert', 'insert an integration into %1$s', 'organization', 'write',
    $$insert into public.organization_integrations (organization_id, provider) values (tests.org_id(%1$L), 'f39-new')$$,
    '42501', '42501', '42501', 'changed', 'changed', '42501'
),
(
    12, 'integrations.update', 'rename an integration of %1$s', 'organization', 'write',
    $$update public.organization_integrations set display_name = 'f39 renamed' where id = tests.integration_id(%2$L)$$,
    '42501', '0 rows', '0 rows', 'changed', 'changed', '0 rows'
),
(
    13, 'integrations.update_all', 'rename every integration it may, reading none', 'caller', 'write',
    $$update public.organization_integrations set display_name = 'f39 renamed'$$,
    '42501', '0 rows', '0 rows', 'changed', null, '0 rows'
),
(
    14, 'integrations.delete', 'delete an integration of %1$s', 'organization', 'write',
    $$delete from public.organization_integrations where id = tests.integration_id(%3$L)$$,
    '42501', '0 rows', '0 rows', 'changed', 'changed', '0 rows'
),
(
    15, 'integrations.delete_all', 'delete every integration it may, reading none', 'caller', 'write',
    $$delete from public.organization_integrations$$,
    '42501', '0 rows', '0 rows', 'changed', null, '0 rows'
),
(
    16, 'notifications.select', 'select the notifications of %1$s', 'organization', 'read',
    $$select n.id from public.organization_notifications as n where n.organization_id = tests.org_id(%1$L)$$,
    '42501', 'none', 'none', 'all', 'all', 'none'
),
(
    17, 'audit.select', 'select the credential audit of %1$s', 'organization', 'read',
    $$select a.id from public.credential_audit as a where a.organization_id = tests.org_id(%1$L)$$,
    '42501', 'none', 'none', 'all', 'all', 'none'
),
(
    18, 'store_credential', 'store_credential for an integration of %1$s', 'organization', 'call',
    $$select public.store_credential(tests.integration_id(%2$L), 'f39-stored-value')$$,
    '42501', '42501', '42501', 'changed', 'changed', '42501'
),
(
    19, 'rotate_credential', 'rotate_credential for an integration of %1$s', 'organization', 'call',
    $$select public.rotate_credential(tests.integration_id(%2$L), 'f39-rotated-value')$$,
    '42501', '42501', '42501', 'changed', 'changed', '42501'
),
(
    20, 'revoke_credential', 'revoke_credential for an integration of %1$s', 'organization', 'call',
    $$select public.revoke_credential(tests.integration_id(%2$L))$$,
    '42501', '42501', '42501', 'changed', 'changed', '42501'
),
(
    21, 'credential_status', 'credential_status of an integration of %1$s', 'organization', 'call',
    $$select public.credential_status(tests.integration_id(%2$L))$$,
    '42501', '42501', '42501', 'true', 'true', '42501'
),
(
    22, 'get_integration_vault_secret_id', 'get_integration_vault_secret_id of an integration of %1$s',
    'organization', 'call',
    $$select public.get_integration_vault_secret_id(tests.integration_id(%2$L))$$,
    '42501', 'null', 'null', 'id', 'id', 'null'
),
(
    23, 'field_mappings_problems', 'field_mappings_problems of a valid document', 'caller', 'call',
    $$select public.field_mappings_problems('{"version": 1, "mappings": []}'::json)$$,
    '42501', '42501', '{}', '{}', '{}', '42501'
),
(
    24, 'sync_schedule_problems', 'sync_schedule_problems of a valid document', 'caller', 'call',
    $$
    select public.sync_schedule_problems('{"mode": "manual", "enabled": false, "version": 1, "timezone": "UTC"}'::json)
    $$,
    '42501', '42501', '{}', '{}', '{}', '42501'
);

-- The matrix, one row per cell: what an actor gets for an operation in a
-- state. The actor's relation to the organization picks the answer before
-- any lockdown; while that organization is locked, every API role gets the
-- operation's while_locked answer, with two exceptions: anon, which holds no
-- privilege on any of it and gets 42501 in every state, and an admin reading
-- the organization's notifications. service_role is never locked out.
create temporary table f39_cells (
    state text not null,
    actor text not null,
    operation_name text not null,
    expected text not null,
    nn integer not null,
    target_org text,
    locked_with text,
    constraint f39_cells_pkey primary key (state, actor, operation_name)
) on commit drop;
insert into pg_temp.f39_cells (state, actor, operation_name, expected, nn, target_org, locked_with)
with
-- An operation on an organization runs once per target of the actor, and
-- is locked with it; one of the caller runs once, locked with the caller's
-- own organization.
aims as (
    select
        o.nn,
        a.actor,
        t.target_org,
        t.target_org as locked_with
    from pg_temp.f39_operations as o
    cross join pg_temp.f39_actors as a
    cross join pg_catalog.unnest(a.target_orgs) as t (target_org)
    where o.scope = 'organization'
    union all
    select
        o.nn,
        a.actor,
        null as target_org,
        a.home as locked_with
    from pg_temp.f39_operations as o
    cross join pg_temp.f39_actors as a
    where o.scope = 'caller'
),

relations as (
    select
        m.nn,
        m.actor,
        m.target_org,
        m.locked_with,
        case
            when a.actor = 'AN' then 'anon'
            when a.actor = 'SR' then 'service_role'
            when a.home = coalesce(m.target_org, a.home) then a.home_role
            else 'outsider'
        end as relation
    from aims as m
    inner join pg_temp.f39_actors as a on m.actor = a.actor
),

baselines as (
    select
        r.nn,
        r.actor,
        r.target_org,
        r.locked_with,
        r.relation,
        o.operation_name,
        o.while_locked,
        case r.relation
            when 'anon' then o.as_anon
            when 'outsider' then o.as_outsider
            when 'coordinator' then o.as_coordinator
            when 'admin' then o.as_admin
            when 'service_role' then o.as_service_role
        end as baseline
    from relations as r
    inner join pg_temp.f39_operations as o on r.nn = o.nn
)

select
    s.state,
    b.actor,
    b.operation_name || coalesce('@' || b.target_org, '') as operation_name,
    case
        when
            b.relation in ('anon', 'service_role')
            or b.locked_with is null
            or not b.locked_with = any(s.locked_orgs)
            then b.baseline
        -- The exception: admins still read their organization's notifications.
        when b.operation_name = 'notifications.select' and b.relation = 'admin' then b.baseline
        else b.while_locked
    end as expected,
    b.nn,
    b.target_org,
    b.locked_with
from pg_temp.f39_states as s
cross join baselines as b
where b.baseline is not null;

-- Acts as the actor until the end of the transaction (or subtransaction).
create function pg_temp.f39_act_as(p_actor text, p_user_name text)
returns void
language plpgsql
as $act$
begin
    if p_actor = 'AN' then
        perform tests.authenticate_as_anon();
    elsif p_actor = 'SR' then
        perform tests.authenticate_as_service_role();
    else
        perform tests.authenticate_as(tests.user_id(p_user_name));
    end if;
end;
$act$;

-- Runs one attempt as the actor and says what happened (see the kinds
-- above). Everything it did is undone before it returns, so every state
-- starts from the same world and a success in one cell cannot change the
-- answer of the next; whether it changed anything is read before the undo,
-- from the fingerprint of both organizations, as postgres.
create function pg_temp.f39_observe(p_actor text, p_user_name text, p_kind text, p_attempt text, p_target text)
returns text
language plpgsql
as $observe$
declare
    v_before text;
    v_total bigint;
    v_count bigint;
    v_value text;
    v_outcome text;
begin
    begin
        v_before := pg_temp.f39_world();
        if p_kind = 'read' then
            execute pg_catalog.format('select pg_catalog.count(*) from (%s) as q', p_attempt) into v_total;
        end if;
        begin
            perform pg_temp.f39_act_as(p_actor, p_user_name);
            if p_kind = 'read' then
                execute pg_catalog.format('select pg_catalog.count(*) from (%s) as q', p_attempt) into v_count;
                v_outcome := case
                    when v_count = 0 then 'none'
                    when v_count = v_total then 'all'
                    else pg_catalog.format('%s of %s', v_count, v_total)
                end;
            elsif p_kind = 'write' then
                execute p_attempt;
                get diagnostics v_count = row_count;
                v_outcome := pg_catalog.format('%s rows', v_count);
            else
                execute p_attempt into v_value;
                v_outcome := case
                    when v_value is null then 'null'
                    when v_value = pg_catalog.current_setting('f39.secret_' || p_target, true) then 'id'
                    else v_value
                end;
            end if;
            perform tests.clear_authentication();
        exception when others then
            -- The attempt's changes, if any, went with its subtransaction.
            v_outcome := sqlstate;
        end;
        if pg_temp.f39_world() <> v_before then
            v_outcome := 'changed';
        end if;
        raise exception 'f39: undo the attempt' using errcode = 'F39UN';
    exception when sqlstate 'F39UN' then
        -- Undone, the role and claims included.
        null;
    end;
    return v_outcome;
end;
$observe$;

-- One assertion per cell of the state, in the order of the actors and then
-- of the operations: LM-<state>-<actor>-<operation>[@<organization>].
create function pg_temp.f39_cells_of(p_state text)
returns setof text
language plpgsql
as $cells$
declare
    v_cell record;
begin
    for v_cell in
        select
            c.expected,
            a.actor,
            a.user_name,
            o.kind,
            c.target_org,
            pg_catalog.format(
                o.attempt, t.org_name, t.changed_integration, t.deleted_integration, t.changed_member
            ) as attempt,
            pg_catalog.format(
                'LM-%s-%s-%s: %s, %s, %s: %s',
                c.state,
                c.actor,
                c.operation_name,
                s.heading,
                a.heading,
                pg_catalog.format(o.heading, t.org_name),
                c.expected
            ) as description
        from pg_temp.f39_cells as c
        inner join pg_temp.f39_states as s on c.state = s.state
        inner join pg_temp.f39_actors as a on c.actor = a.actor
        inner join pg_temp.f39_operations as o on c.nn = o.nn
        left join pg_temp.f39_targets as t on c.target_org = t.target_org
        where c.state = p_state
        order by a.nn, o.nn, c.target_org
    loop
        return next is(
            pg_temp.f39_observe(v_cell.actor, v_cell.user_name, v_cell.kind, v_cell.attempt, v_cell.target_org),
            v_cell.expected,
            v_cell.description
        );
    end loop;
end;
$cells$;

-- The id of the lockdown last set for a scope (an organization, or null for
-- the global one), read as postgres: the API roles may not read ids.
create function pg_temp.f39_remember_lockdown(p_setting text, p_organization_id uuid)
returns void
language sql
as $remember$
    select pg_catalog.set_config(
        p_setting,
        (
            select l.id::text
            from private.organization_lockdowns as l
            where l.organization_id is not distinct from p_organization_id and l.lifted_at is null
        ),
        true
    );
$remember$;

-- The kinds of the notifications of the organization about one lockdown
-- that the caller reads, in byte order.
create function pg_temp.f39_notices(p_organization_id uuid, p_setting text)
returns text[]
language sql
stable
as $notices$
    select coalesce(pg_catalog.array_agg(n.kind order by n.kind collate "C"), '{}')
    from public.organization_notifications as n
    where
        n.organization_id = p_organization_id
        and n.details ->> 'lockdown_id' = pg_catalog.current_setting(p_setting);
$notices$;

-- The number of an organization's integrations the caller reads, through a
-- query planned once per session and then cached, as PostgREST's pooled
-- connections run them. The lockdown is folded into plans as a constant
-- (private.locked_organization_ids()), so every set and lift must reach the
-- plans made before it. One function per organization: no parameter, so
-- the cached plan is the generic one.
create function pg_temp.f39_cached_integrations_a()
returns bigint
language plpgsql
stable
as $cached$
begin
    return (
        select pg_catalog.count(*)
        from public.organization_integrations as i
        where i.organization_id = tests.org_id('Org A')
    );
end;
$cached$;

create function pg_temp.f39_cached_integrations_b()
returns bigint
language plpgsql
stable
as $cached$
begin
    return (
        select pg_catalog.count(*)
        from public.organization_integrations as i
        where i.organization_id = tests.org_id('Org B')
    );
end;
$cached$;

-- Admin A and admin B count their integrations through the cached plans:
-- LM-<state>-AA-cached_plan and LM-<state>-AB-cached_plan.
create function pg_temp.f39_cached_plans(p_state text, p_expected_a bigint, p_expected_b bigint)
returns setof text
language plpgsql
as $plans$
begin
    perform tests.authenticate_as(tests.user_id('admin a'));
    return next is(
        pg_temp.f39_cached_integrations_a(),
        p_expected_a,
        pg_catalog.format(
            'LM-%s-AA-cached_plan: admin A counts org A''s integrations with a plan cached before: %s',
            p_state, p_expected_a
        )
    );
    perform tests.authenticate_as(tests.user_id('admin b'));
    return next is(
        pg_temp.f39_cached_integrations_b(),
        p_expected_b,
        pg_catalog.format(
            'LM-%s-AB-cached_plan: admin B counts org B''s integrations with a plan cached before: %s',
            p_state, p_expected_b
        )
    );
    perform tests.clear_authentication();
end;
$plans$;

-- BASE: 214 cells (17 operations on an organization for ten actor-target
-- pairs, 7 of the caller for seven actors, but 5 for service_role); as many
-- in every state.
select pg_temp.f39_cells_of('BASE');
select pg_temp.f39_cached_plans('BASE', 2, 2);

-- LOCKA

-- acting as service_role
select tests.authenticate_as_service_role();
select results_eq(
    $$
    select l.organization_id, l.already_active
    from public.set_organization_lockdown(tests.org_id('Org A'), 'f39: lockdown matrix drill', 'INC-39') as l
    $$,
    $$values (tests.org_id('Org A'), false)$$,
    'LM-LOCKA-SR-set: service_role locks org A down'
);

-- acting as postgres
select tests.clear_authentication();
select pg_temp.f39_remember_lockdown('f39.lockdown_a', tests.org_id('Org A'));
select pg_temp.f39_cells_of('LOCKA');
select pg_temp.f39_cached_plans('LOCKA', 0, 2);

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));
select is(
    pg_temp.f39_notices(tests.org_id('Org A'), 'f39.lockdown_a'),
    array['organization_locked_down'],
    'LM-LOCKA-AA-notice: admin A reads that org A is locked down'
);

-- LIFTA

-- acting as service_role
select tests.authenticate_as_service_role();
select results_eq(
    $$
    select l.organization_id, l.was_active
    from public.lift_organization_lockdown(tests.org_id('Org A'), 'f39: drill over') as l
    $$,
    $$values (tests.org_id('Org A'), true)$$,
    'LM-LIFTA-SR-lift: service_role lifts org A''s lockdown'
);

-- acting as postgres
select tests.clear_authentication();
select pg_temp.f39_cells_of('LIFTA');
select pg_temp.f39_cached_plans('LIFTA', 2, 2);

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));
select is(
    pg_temp.f39_notices(tests.org_id('Org A'), 'f39.lockdown_a'),
    array['organization_lockdown_lifted', 'organization_locked_down'],
    'LM-LIFTA-AA-notice: admin A reads that org A''s lockdown was lifted'
);

-- GLOBAL

-- acting as service_role
select tests.authenticate_as_service_role();
select results_eq(
    $$
    select l.organization_id, l.already_active
    from public.set_organization_lockdown(null, 'f39: global drill', 'INC-39-G') as l
    $$,
    $$values (null::uuid, false)$$,
    'LM-GLOBAL-SR-set: service_role locks every organization down'
);

-- acting as postgres
select tests.clear_authentication();
select pg_temp.f39_remember_lockdown('f39.lockdown_global', null);
select pg_temp.f39_cells_of('GLOBAL');
select pg_temp.f39_cached_plans('GLOBAL', 0, 0);

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));
select is(
    pg_temp.f39_notices(tests.org_id('Org A'), 'f39.lockdown_global'),
    array['organization_locked_down'],
    'LM-GLOBAL-AA-notice: admin A reads that every organization is locked down'
);

-- acting as admin of B
select tests.authenticate_as(tests.user_id('admin b'));
select is(
    pg_temp.f39_notices(tests.org_id('Org B'), 'f39.lockdown_global'),
    array['organization_locked_down'],
    'LM-GLOBAL-AB-notice: admin B reads that every organization is locked down'
);

-- LIFTG

-- acting as service_role
select tests.authenticate_as_service_role();
select results_eq(
    $$
    select l.organization_id, l.was_active
    from public.lift_organization_lockdown(null, 'f39: global drill over') as l
    $$,
    $$values (null::uuid, true)$$,
    'LM-LIFTG-SR-lift: service_role lifts the global lockdown'
);

-- acting as postgres
select tests.clear_authentication();
select pg_temp.f39_cells_of('LIFTG');
select pg_temp.f39_cached_plans('LIFTG', 2, 2);

-- acting as admin of A
select tests.authenticate_as(tests.user_id('admin a'));
select is(
    pg_temp.f39_notices(tests.org_id('Org A'), 'f39.lockdown_global'),
    array['organization_lockdown_lifted', 'organization_locked_down'],
    'LM-LIFTG-AA-notice: admin A reads that the global lockdown was lifted'
);

-- acting as admin of B
select tests.authenticate_as(tests.user_id('admin b'));
select is(
    pg_temp.f39_notices(tests.org_id('Org B'), 'f39.lockdown_global'),
    array['organization_lockdown_lifted', 'organization_locked_down'],
    'LM-LIFTG-AB-notice: admin B reads that the global lockdown was lifted'
);

select * from finish();

rollback;
