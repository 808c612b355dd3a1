-- Pins who may LOCK TABLE, as documented in
-- docs/decisions/hardening.md: the table-wide DELETE grants let
-- authenticated take ACCESS EXCLUSIVE on organization_members and
-- organization_integrations (accepted: no API path sends LOCK); every other
-- project table refuses it. A grant change must update that decision record.

begin;

select plan(6);

-- acting as a signed-in user with no membership
select tests.create_named_user('outsider');
select tests.authenticate_as(tests.user_id('outsider'));

select lives_ok(
    'lock table public.organization_members in access exclusive mode',
    'LK-01: authenticated can lock organization_members (table DELETE grant; documented, accepted)'
);
select lives_ok(
    'lock table public.organization_integrations in access exclusive mode',
    'LK-02: authenticated can lock organization_integrations (table DELETE grant; documented, accepted)'
);
select throws_ok(
    'lock table public.organizations in access exclusive mode',
    '42501',
    null,
    'LK-03: authenticated cannot lock organizations (column UPDATE only)'
);
select throws_ok(
    'lock table public.organization_notifications in access exclusive mode',
    '42501',
    null,
    'LK-04: authenticated cannot lock organization_notifications'
);
select throws_ok(
    'lock table public.credential_audit in access exclusive mode',
    '42501',
    null,
    'LK-05: authenticated cannot lock credential_audit'
);

-- acting as postgres: exactly these two tables carry a table-wide
-- UPDATE, DELETE or TRUNCATE grant to authenticated in the project's schemas.
select tests.clear_authentication();

select set_eq(
    $$
    select c.relnamespace::regnamespace::text || '.' || c.relname::text
    from pg_catalog.pg_class as c
    inner join tests.project_schemas as s on c.relnamespace = s.oid
    where
        c.relkind in ('r', 'p')
        and (
            pg_catalog.has_table_privilege('authenticated', c.oid, 'update')
            or pg_catalog.has_table_privilege('authenticated', c.oid, 'delete')
            or pg_catalog.has_table_privilege('authenticated', c.oid, 'truncate')
        )
    $$,
    array['public.organization_members', 'public.organization_integrations'],
    'LK-06: only organization_members and organization_integrations are lockable by authenticated'
);

select * from finish();
rollback;
