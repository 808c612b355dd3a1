-- Proves the shape of the public schema: tables, columns, keys, indexes,
-- enums and the updated_at triggers; one policy per command for authenticated;
-- exactly the intended table and column privileges for anon, authenticated
-- and service_role, whichever default-privilege mode the project was made in.

begin;

select plan(84);

-- acting as postgres (catalog checks)

-- Tables and columns
select tables_are(
    'public',
    array[
        'organizations', 'organization_members', 'organization_integrations', 'credential_audit',
        'organization_notifications'
    ],
    'SS-01: public has exactly the expected tables'
);
select columns_are(
    'public', 'organizations',
    array['id', 'name', 'created_at', 'updated_at'],
    'SS-02: organizations has exactly the expected columns'
);
select columns_are(
    'public', 'organization_members',
    array['organization_id', 'user_id', 'role', 'created_at'],
    'SS-03: organization_members has exactly the expected columns'
);
select columns_are(
    'public', 'organization_integrations',
    array[
        'id', 'organization_id', 'provider', 'display_name', 'status', 'field_mappings',
        'sync_schedule', 'created_at', 'updated_at', 'created_by', 'vault_secret_id'
    ],
    'SS-04: organization_integrations has exactly the expected columns (no credential column)'
);

select col_type_is('public', 'organizations', 'id', 'uuid', 'SS-05: organizations.id is uuid');
select col_type_is('public', 'organizations', 'name', 'text', 'SS-06: organizations.name is text');
select col_not_null('public', 'organizations', 'name', 'SS-07: organizations.name is not null');
select col_type_is(
    'public', 'organizations', 'updated_at', 'timestamp with time zone',
    'SS-08: organizations.updated_at is timestamptz'
);
select col_type_is(
    'public', 'organization_members', 'role', 'organization_role',
    'SS-09: organization_members.role is organization_role'
);
select col_not_null('public', 'organization_members', 'role', 'SS-10: organization_members.role is not null');
select col_type_is(
    'public', 'organization_integrations', 'organization_id', 'uuid',
    'SS-11: organization_integrations.organization_id is uuid'
);
select col_not_null(
    'public', 'organization_integrations', 'organization_id',
    'SS-12: organization_integrations.organization_id is not null'
);
select col_type_is(
    'public', 'organization_integrations', 'provider', 'text',
    'SS-13: organization_integrations.provider is text'
);
select col_not_null(
    'public', 'organization_integrations', 'provider',
    'SS-14: organization_integrations.provider is not null'
);
select col_type_is(
    'public', 'organization_integrations', 'status', 'integration_status',
    'SS-15: organization_integrations.status is integration_status'
);
select col_default_is(
    'public', 'organization_integrations', 'status', 'inactive'::text,
    'SS-16: organization_integrations.status defaults to inactive'
);
select col_type_is(
    'public', 'organization_integrations', 'field_mappings', 'jsonb',
    'SS-17: organization_integrations.field_mappings is jsonb'
);
select col_not_null(
    'public', 'organization_integrations', 'field_mappings',
    'SS-18: organization_integrations.field_mappings is not null'
);
select col_type_is(
    'public', 'organization_integrations', 'sync_schedule', 'jsonb',
    'SS-19: organization_integrations.sync_schedule is jsonb'
);
select col_not_null(
    'public', 'organization_integrations', 'sync_schedule',
    'SS-20: organization_integrations.sync_schedule is not null'
);
select col_type_is(
    'public', 'organization_integrations', 'created_by', 'uuid',
    'SS-21: organization_integrations.created_by is uuid'
);
select col_default_is(
    'public', 'organization_integrations', 'created_by', 'auth.uid()',
    'SS-22: organization_integrations.created_by defaults to auth.uid()'
);

-- Keys
select col_is_pk('public', 'organizations', array['id'], 'SS-23: organizations primary key is id');
select col_is_pk(
    'public', 'organization_members', array['organization_id', 'user_id'],
    'SS-24: organization_members primary key is (organization_id, user_id)'
);
select col_is_pk(
    'public', 'organization_integrations', array['id'],
    'SS-25: organization_integrations primary key is id'
);
select fk_ok(
    'public', 'organization_members', array['organization_id'], 'public', 'organizations', array['id'],
    'SS-26: organization_members.organization_id references organizations'
);
select fk_ok(
    'public', 'organization_members', array['user_id'], 'auth', 'users', array['id'],
    'SS-27: organization_members.user_id references auth.users'
);
select fk_ok(
    'public', 'organization_integrations', array['organization_id'], 'public', 'organizations', array['id'],
    'SS-28: organization_integrations.organization_id references organizations'
);
select fk_ok(
    'public', 'organization_integrations', array['created_by'], 'auth', 'users', array['id'],
    'SS-29: organization_integrations.created_by references auth.users'
);
select set_eq(
    $$
    select c.conname::text, c.confdeltype::text
    from pg_catalog.pg_constraint as c
    where
        c.contype = 'f'
        and c.connamespace = 'public'::regnamespace
    $$,
    $$
    values
    ('organization_members_organization_id_fkey', 'c'),
    ('organization_members_user_id_fkey', 'c'),
    ('organization_integrations_organization_id_fkey', 'c'),
    ('organization_integrations_created_by_fkey', 'n'),
    ('organization_notifications_organization_id_fkey', 'c')
    $$,
    'SS-30: foreign keys cascade on delete, except created_by which is set null'
);

-- Indexes
select has_index(
    'public', 'organization_members', 'organization_members_user_id_idx', array['user_id'],
    'SS-31: organization_members has an index on user_id'
);
select has_index(
    'public', 'organization_integrations', 'organization_integrations_organization_id_idx',
    array['organization_id'],
    'SS-32: organization_integrations has an index on organization_id'
);
select has_index(
    'public', 'organization_integrations', 'organization_integrations_created_by_idx', array['created_by'],
    'SS-33: organization_integrations has an index on created_by'
);
-- SS-34 (every foreign key has an index) was GATE-IDX-01 in 93_index_gates
-- again; the gate covers every project schema.

-- Enums
select has_enum('public', 'organization_role', 'SS-35: enum organization_role exists');
select enum_has_labels(
    'public', 'organization_role', array['admin', 'coordinator'],
    'SS-36: organization_role is admin, coordinator'
);
select has_enum('public', 'integration_status', 'SS-37: enum integration_status exists');
select enum_has_labels(
    'public', 'integration_status', array['inactive', 'active', 'error'],
    'SS-38: integration_status is inactive, active, error'
);

-- Triggers: an update stamps updated_at with now(), whatever the statement
-- writes into it (this transaction's now(), so compared for equality).
select tests.create_org('SS org');
select tests.create_integration('SS org', 'SS1', 'salesforce');
select results_eq(
    $$
    update public.organizations set name = 'SS org renamed', updated_at = '2000-01-01'
    where id = tests.org_id('SS org')
    returning updated_at = pg_catalog.now()
    $$,
    array[true],
    'SS-39: organizations stamps updated_at on update'
);
select results_eq(
    $$
    update public.organization_integrations set display_name = 'SS1 renamed', updated_at = '2000-01-01'
    where id = tests.integration_id('SS1')
    returning updated_at = pg_catalog.now()
    $$,
    array[true],
    'SS-40: organization_integrations stamps updated_at on update'
);

-- SS-41 (no credential-like column) was GATE-EXP-03 in 92_exposure_gates
-- again, with a narrower pattern and any uuid column let through; the gate
-- covers every project schema and allows only the two vault_secret_id columns.

-- Row level security. SS-42 (RLS on every table) and the "for all" half of
-- SS-43 were GATE-RLS-01/02 in 90_rls_gates again and live there now. The
-- rest of SS-43 stays: the gate only asks that a policy name its roles, while
-- this project gives permissive policies to authenticated alone (anon reads
-- nothing and service_role bypasses RLS). The restrictive lockdown policies
-- apply to anon and authenticated (20261207100300-100340, GATE-LCK-01).
select is_empty(
    $$
    select c.relname::text, p.polname::text
    from pg_catalog.pg_policy as p
    inner join pg_catalog.pg_class as c on p.polrelid = c.oid
    where
        c.relnamespace = 'public'::regnamespace
        and p.polpermissive
        and p.polroles <> array['authenticated'::regrole]::oid[]
    $$,
    'SS-43: every permissive public policy applies to authenticated alone'
);

select policies_are(
    'public', 'organizations',
    array[
        'organizations_select_policy',
        'organizations_update_policy',
        'organizations_lockdown_select_policy',
        'organizations_lockdown_insert_policy',
        'organizations_lockdown_update_policy',
        'organizations_lockdown_delete_policy'
    ],
    'SS-44: organizations has only select and update policies (no insert or delete), and the lockdown''s'
);
select policy_cmd_is(
    'public', 'organizations', 'organizations_select_policy', 'select',
    'SS-45: organizations_select_policy is for select'
);
select policy_cmd_is(
    'public', 'organizations', 'organizations_update_policy', 'update',
    'SS-46: organizations_update_policy is for update'
);
select policy_roles_are(
    'public', 'organizations', 'organizations_select_policy', array['authenticated'],
    'SS-47: organizations_select_policy applies to authenticated'
);
select policy_roles_are(
    'public', 'organizations', 'organizations_update_policy', array['authenticated'],
    'SS-48: organizations_update_policy applies to authenticated'
);

select policies_are(
    'public', 'organization_members',
    array[
        'organization_members_select_policy',
        'organization_members_insert_policy',
        'organization_members_update_policy',
        'organization_members_delete_policy',
        'organization_members_lockdown_select_policy',
        'organization_members_lockdown_insert_policy',
        'organization_members_lockdown_update_policy',
        'organization_members_lockdown_delete_policy'
    ],
    'SS-49: organization_members has one policy per command, and the lockdown''s'
);
select policy_cmd_is(
    'public', 'organization_members', 'organization_members_select_policy', 'select',
    'SS-50: organization_members_select_policy is for select'
);
select policy_cmd_is(
    'public', 'organization_members', 'organization_members_insert_policy', 'insert',
    'SS-51: organization_members_insert_policy is for insert'
);
select policy_cmd_is(
    'public', 'organization_members', 'organization_members_update_policy', 'update',
    'SS-52: organization_members_update_policy is for update'
);
select policy_cmd_is(
    'public', 'organization_members', 'organization_members_delete_policy', 'delete',
    'SS-53: organization_members_delete_policy is for delete'
);
select policy_roles_are(
    'public', 'organization_members', 'organization_members_select_policy', array['authenticated'],
    'SS-54: organization_members_select_policy applies to authenticated'
);
select policy_roles_are(
    'public', 'organization_members', 'organization_members_insert_policy', array['authenticated'],
    'SS-55: organization_members_insert_policy applies to authenticated'
);
select policy_roles_are(
    'public', 'organization_members', 'organization_members_update_policy', array['authenticated'],
    'SS-56: organization_members_update_policy applies to authenticated'
);
select policy_roles_are(
    'public', 'organization_members', 'organization_members_delete_policy', array['authenticated'],
    'SS-57: organization_members_delete_policy applies to authenticated'
);

select policies_are(
    'public', 'organization_integrations',
    array[
        'organization_integrations_select_policy',
        'organization_integrations_insert_policy',
        'organization_integrations_update_policy',
        'organization_integrations_delete_policy',
        'organization_integrations_lockdown_select_policy',
        'organization_integrations_lockdown_insert_policy',
        'organization_integrations_lockdown_update_policy',
        'organization_integrations_lockdown_delete_policy'
    ],
    'SS-58: organization_integrations has one policy per command, and the lockdown''s'
);
select policy_cmd_is(
    'public', 'organization_integrations', 'organization_integrations_select_policy', 'select',
    'SS-59: organization_integrations_select_policy is for select'
);
select policy_cmd_is(
    'public', 'organization_integrations', 'organization_integrations_insert_policy', 'insert',
    'SS-60: organization_integrations_insert_policy is for insert'
);
select policy_cmd_is(
    'public', 'organization_integrations', 'organization_integrations_update_policy', 'update',
    'SS-61: organization_integrations_update_policy is for update'
);
select policy_cmd_is(
    'public', 'organization_integrations', 'organization_integrations_delete_policy', 'delete',
    'SS-62: organization_integrations_delete_policy is for delete'
);
select policy_roles_are(
    'public', 'organization_integrations', 'organization_integrations_select_policy', array['authenticated'],
    'SS-63: organization_integrations_select_policy applies to authenticated'
);
select policy_roles_are(
    'public', 'organization_integrations', 'organization_integrations_insert_policy', array['authenticated'],
    'SS-64: organization_integrations_insert_policy applies to authenticated'
);
select policy_roles_are(
    'public', 'organization_integrations', 'organization_integrations_update_policy', array['authenticated'],
    'SS-65: organization_integrations_update_policy applies to authenticated'
);
select policy_roles_are(
    'public', 'organization_integrations', 'organization_integrations_delete_policy', array['authenticated'],
    'SS-66: organization_integrations_delete_policy applies to authenticated'
);

-- Permissive policies must keep the index-friendly form: `= any(array(select
-- ...))` over a membership helper or the membership mirror
-- (20261207110100-110140), never a bare `in (select ...)` subquery. The lockdown's
-- restrictive policies are GATE-LCK-01's.
select is_empty(
    $$
    select c.relname::text, p.polname::text
    from pg_catalog.pg_policy as p
    inner join pg_catalog.pg_class as c on p.polrelid = c.oid
    where
        c.relnamespace = 'public'::regnamespace
        and p.polpermissive
        and (
            pg_catalog.pg_get_expr(p.polqual, p.polrelid)
            !~ '= ANY \(ARRAY\( SELECT (private\.|ms\.organization_id\s+FROM private\.memberships ms)'
            or pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)
            !~ '= ANY \(ARRAY\( SELECT (private\.|ms\.organization_id\s+FROM private\.memberships ms)'
        )
    $$,
    'SS-67: every permissive public policy expression compares with = any(array(select ...)) over a helper or the mirror'
);

-- Table privileges (identical under legacy and modern default privileges)
select table_privs_are(
    'public', 'organizations', 'anon', array[]::name[],
    'SS-68: anon has no privileges on organizations'
);
select table_privs_are(
    'public', 'organizations', 'authenticated', array['SELECT'],
    'SS-69: authenticated has only select on organizations (plus update of name)'
);
select table_privs_are(
    'public', 'organizations', 'service_role', array['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    'SS-70: service_role has select, insert, update, delete on organizations'
);
select table_privs_are(
    'public', 'organization_members', 'anon', array[]::name[],
    'SS-71: anon has no privileges on organization_members'
);
select table_privs_are(
    'public', 'organization_members', 'authenticated', array['SELECT', 'DELETE'],
    'SS-72: authenticated has select and delete on organization_members (plus column insert/update)'
);
select table_privs_are(
    'public', 'organization_members', 'service_role', array['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    'SS-73: service_role has select, insert, update, delete on organization_members'
);
select table_privs_are(
    'public', 'organization_integrations', 'anon', array[]::name[],
    'SS-74: anon has no privileges on organization_integrations'
);
select table_privs_are(
    'public', 'organization_integrations', 'authenticated', array['DELETE'],
    'SS-75: authenticated has delete on organization_integrations (plus column select/insert/update)'
);
select table_privs_are(
    'public', 'organization_integrations', 'service_role', array['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
    'SS-76: service_role has select, insert, update, delete on organization_integrations'
);

-- Column privileges of authenticated
select set_eq(
    $$
    select c.relname::text, a.attname::text
    from pg_catalog.pg_attribute as a
    inner join pg_catalog.pg_class as c on a.attrelid = c.oid
    where
        c.relnamespace = 'public'::regnamespace
        and c.relkind = 'r'
        and a.attnum > 0
        and not a.attisdropped
        and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'insert')
    $$,
    $$
    values
    ('organization_members', 'organization_id'),
    ('organization_members', 'user_id'),
    ('organization_members', 'role'),
    ('organization_integrations', 'organization_id'),
    ('organization_integrations', 'provider'),
    ('organization_integrations', 'display_name'),
    ('organization_integrations', 'status'),
    ('organization_integrations', 'field_mappings'),
    ('organization_integrations', 'sync_schedule')
    $$,
    'SS-77: authenticated may insert only these columns (never id, timestamps or created_by)'
);
select set_eq(
    $$
    select c.relname::text, a.attname::text
    from pg_catalog.pg_attribute as a
    inner join pg_catalog.pg_class as c on a.attrelid = c.oid
    where
        c.relnamespace = 'public'::regnamespace
        and c.relkind = 'r'
        and a.attnum > 0
        and not a.attisdropped
        and pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attnum, 'update')
    $$,
    $$
    values
    ('organizations', 'name'),
    ('organization_members', 'role'),
    ('organization_integrations', 'provider'),
    ('organization_integrations', 'display_name'),
    ('organization_integrations', 'status'),
    ('organization_integrations', 'field_mappings'),
    ('organization_integrations', 'sync_schedule')
    $$,
    'SS-78: authenticated may update only these columns (never keys, timestamps or created_by)'
);
select column_privs_are(
    'public', 'organization_integrations', 'created_by', 'authenticated', array['SELECT'],
    'SS-79: authenticated can read but not write organization_integrations.created_by'
);
select column_privs_are(
    'public', 'organization_integrations', 'organization_id', 'authenticated', array['SELECT', 'INSERT'],
    'SS-80: authenticated cannot move an integration to another organization'
);

-- Catch-alls over every public table, so new tables are covered too
select is_empty(
    $$
    select c.relname::text
    from pg_catalog.pg_class as c
    where
        c.relnamespace = 'public'::regnamespace
        and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and (
            pg_catalog.has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
            or pg_catalog.has_any_column_privilege('anon', c.oid, 'select, insert, update, references')
        )
    $$,
    'SS-81: anon has no privilege on any table or column in public'
);
select is_empty(
    $$
    select c.relname::text, r.rolname::text
    from pg_catalog.pg_class as c
    cross join pg_catalog.pg_roles as r
    where
        c.relnamespace = 'public'::regnamespace
        and c.relkind in ('r', 'p', 'v', 'm', 'f')
        and r.rolname in ('anon', 'authenticated', 'service_role')
        and (
            pg_catalog.has_table_privilege(r.oid, c.oid, 'truncate, references, trigger')
            or pg_catalog.has_any_column_privilege(r.oid, c.oid, 'references')
        )
    $$,
    'SS-82: no API role has truncate, references or trigger on any public table'
);
select is_empty(
    $$
    select c.relname::text, acl.privilege_type
    from pg_catalog.pg_class as c
    cross join lateral pg_catalog.aclexplode(c.relacl) as acl
    where
        c.relnamespace = 'public'::regnamespace
        and acl.grantee = 0
    $$,
    'SS-83: PUBLIC has no privilege on any table in public'
);
select is_empty(
    $$
    select c.relname::text
    from pg_catalog.pg_class as c
    where
        c.relnamespace = 'public'::regnamespace
        and c.relkind = 'S'
        -- case: has_sequence_privilege raises on non-sequences if evaluated first
        and case
            when c.relkind = 'S' then pg_catalog.has_sequence_privilege('anon', c.oid, 'usage, select, update')
            else false
        end
    $$,
    'SS-84: anon has no privilege on any sequence in public'
);

-- Comments on what matters for security
select isnt(
    pg_catalog.obj_description('public.organization_integrations'::regclass, 'pg_class'),
    null,
    'SS-85: organization_integrations has a comment'
);
select isnt(
    pg_catalog.obj_description('public.organization_members'::regclass, 'pg_class'),
    null,
    'SS-86: organization_members has a comment'
);
select isnt(
    pg_catalog.obj_description('public.organizations'::regclass, 'pg_class'),
    null,
    'SS-87: organizations has a comment'
);

select * from finish();

rollback;
