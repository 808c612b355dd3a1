-- Platform layer, part 2: what a Supabase image sets up in a database before
-- project migrations run, rebuilt for a plain PostgreSQL 15 cluster so
-- migrations and pgTAP can run without Docker. Run as the cluster's bootstrap
-- superuser (supabase_admin) in the target database, after roles.sql (once
-- per cluster), then default_privileges_legacy.sql or _modern.sql, and
-- vault_service_role_granted.sql for the images whose service_role has Vault.
-- Never run it against a real Supabase database: the guard below refuses a
-- database that already has the Supabase schemas. docs/platform-layer.md lists
-- every difference from Supabase; tests/platform_fidelity checks them against
-- platform/reference/supabase-pg15-catalog.json.

do $guard$
begin
    if exists (
        select 1
        from pg_catalog.pg_namespace
        where nspname in ('auth', 'vault', 'storage', 'supabase_functions')
    ) then
        raise exception 'platform layer refuses to install: this database already has Supabase schemas'
            using errcode = '55000',
            hint = 'The platform layer is only for a plain, empty PostgreSQL cluster.';
    end if;
    if not (select r.rolsuper from pg_catalog.pg_roles as r where r.rolname = current_user) then
        raise exception 'platform layer must be installed by a superuser'
            using errcode = '42501';
    end if;
    execute pg_catalog.format('alter database %I owner to postgres', pg_catalog.current_database());
end
$guard$;

-- The API roles use public; what they may do there is decided per object.
grant usage on schema public to postgres, anon, authenticated, service_role;

-- Extensions -------------------------------------------------------------------
create schema extensions authorization postgres;
grant usage on schema extensions to anon, authenticated, service_role;
grant usage, create on schema extensions to dashboard_user;
-- What supabase_admin creates in extensions, postgres may use and pass on.
alter default privileges for role supabase_admin in schema extensions
grant all on tables to postgres with grant option;
alter default privileges for role supabase_admin in schema extensions
grant all on sequences to postgres with grant option;
alter default privileges for role supabase_admin in schema extensions
grant all on functions to postgres with grant option;
create extension pgcrypto with schema extensions;
create extension "uuid-ossp" with schema extensions;

-- auth: the GoTrue objects that migrations, RLS and tests use ---------------------
-- Owned by supabase_admin, as on Supabase (so `db reset` leaves it alone); its
-- objects belong to supabase_auth_admin, which foreign-key checks run as.
create schema auth;
grant usage, create on schema auth to supabase_auth_admin, dashboard_user;
grant usage on schema auth to postgres, anon, authenticated, service_role;
alter default privileges for role supabase_auth_admin in schema auth
grant all on tables to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth
grant all on sequences to postgres, dashboard_user;
alter default privileges for role supabase_auth_admin in schema auth
grant all on functions to postgres, dashboard_user;

create table auth.users (
    instance_id uuid,
    id uuid not null primary key,
    aud varchar(255),
    role varchar(255),
    email varchar(255),
    encrypted_password varchar(255),
    email_confirmed_at timestamptz,
    invited_at timestamptz,
    confirmation_token varchar(255),
    confirmation_sent_at timestamptz,
    recovery_token varchar(255),
    recovery_sent_at timestamptz,
    last_sign_in_at timestamptz,
    raw_app_meta_data jsonb,
    raw_user_meta_data jsonb,
    is_super_admin boolean,
    created_at timestamptz,
    updated_at timestamptz,
    phone text unique default null,
    phone_confirmed_at timestamptz,
    banned_until timestamptz,
    deleted_at timestamptz,
    is_sso_user boolean not null default false,
    is_anonymous boolean not null default false
);
alter table auth.users owner to supabase_auth_admin;
create unique index users_email_partial_key on auth.users (email) where (is_sso_user = false);
-- GoTrue enables RLS with no policy: only postgres (bypassrls) and the owner read it.
alter table auth.users enable row level security;
grant all on table auth.users to postgres, dashboard_user;
grant select on table auth.users to postgres with grant option;

-- The request helpers read what PostgREST puts in the transaction. An empty
-- string counts as null: after a rolled-back set_config(..., true) a reused
-- connection sees '' rather than null.
create function auth.uid() returns uuid
language sql stable
as $$
    select nullif(
        coalesce(
            nullif(pg_catalog.current_setting('request.jwt.claim.sub', true), ''),
            nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
        ),
        ''
    )::uuid
$$;

create function auth.role() returns text
language sql stable
as $$
    select nullif(
        coalesce(
            nullif(pg_catalog.current_setting('request.jwt.claim.role', true), ''),
            nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
        ),
        ''
    )::text
$$;

create function auth.email() returns text
language sql stable
as $$
    select nullif(
        coalesce(
            nullif(pg_catalog.current_setting('request.jwt.claim.email', true), ''),
            nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'email'
        ),
        ''
    )::text
$$;

create function auth.jwt() returns jsonb
language sql stable
as $$
    select coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim', true), ''),
        nullif(pg_catalog.current_setting('request.jwt.claims', true), '')
    )::jsonb
$$;

alter function auth.uid() owner to supabase_auth_admin;
alter function auth.role() owner to supabase_auth_admin;
alter function auth.email() owner to supabase_auth_admin;
alter function auth.jwt() owner to supabase_auth_admin;
-- Everyone executes them through PUBLIC, as on Supabase.
grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt() to dashboard_user;
grant execute on function auth.jwt() to postgres;

-- vault: Supabase Vault 0.3's API and privileges ---------------------------------
-- Real Vault encrypts with libsodium and a key held outside the database. Here
-- the key is a file in the data directory, read only by superuser-owned
-- definer functions, and the cipher is pgcrypto's AES-256-CBC with a random IV
-- per secret stored in `nonce`. The key never sits in a table.
create schema vault;
revoke all on schema vault from public;

do $key$
begin
    if pg_catalog.pg_stat_file('vault_root.key', true) is null then
        execute pg_catalog.format(
            'copy (select pg_catalog.encode(extensions.gen_random_bytes(32), %L)) to %L',
            'hex',
            pg_catalog.current_setting('data_directory') || '/vault_root.key'
        );
    end if;
end
$key$;

create table vault.secrets (
    id uuid primary key default extensions.gen_random_uuid(),
    name text,
    description text not null default '',
    secret text not null,
    key_id uuid,
    nonce bytea default extensions.gen_random_bytes(16),
    created_at timestamptz not null default pg_catalog.now(),
    updated_at timestamptz not null default pg_catalog.now()
);
create unique index secrets_name_idx on vault.secrets (name) where name is not null;
comment on table vault.secrets is
    'Vault secrets, encrypted at rest. Insert and update only through vault.create_secret and vault.update_secret.';

create function vault._root_key() returns bytea
language sql stable
set search_path = ''
as $$
    select pg_catalog.decode(pg_catalog.btrim(pg_catalog.pg_read_file('vault_root.key'), E' \n'), 'hex')
$$;
revoke all on function vault._root_key() from public;

create function vault._encrypt(plaintext text, iv bytea) returns text
language sql stable
set search_path = ''
as $$
    select pg_catalog.encode(
        extensions.encrypt_iv(pg_catalog.convert_to(plaintext, 'utf8'), vault._root_key(), iv, 'aes-cbc/pad:pkcs'),
        'base64'
    )
$$;
revoke all on function vault._encrypt(text, bytea) from public;

-- security definer: decrypted_secrets is read by postgres (and, on some
-- images, service_role), who must never read the key itself; this function
-- holds the only path. It returns bytes, like Vault's _crypto_aead_det_decrypt.
create function vault._decrypt(ciphertext text, iv bytea) returns bytea
language sql stable
security definer
set search_path = ''
as $$
    select extensions.decrypt_iv(pg_catalog.decode(ciphertext, 'base64'), vault._root_key(), iv, 'aes-cbc/pad:pkcs')
$$;
revoke all on function vault._decrypt(text, bytea) from public;

create view vault.decrypted_secrets as
select
    s.id,
    s.name,
    s.description,
    s.secret,
    -- As in Vault 0.3: convert_from's encoding argument is of type name, so
    -- the column's collation is "C", not the database's en_US.UTF-8. Comparing
    -- it with a default-collation text then needs an explicit collation.
    pg_catalog.convert_from(vault._decrypt(s.secret, s.nonce), 'utf8') as decrypted_secret,
    s.key_id,
    s.nonce,
    s.created_at,
    s.updated_at
from vault.secrets as s;

-- security definer: callers have no INSERT on vault.secrets; this is the only
-- way in, and it encrypts before the row is written.
create function vault.create_secret(
    new_secret text,
    new_name text default null,
    new_description text default '',
    new_key_id uuid default null
) returns uuid
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_iv bytea := extensions.gen_random_bytes(16);
    v_id uuid;
begin
    insert into vault.secrets (secret, name, description, key_id, nonce)
    values (vault._encrypt(new_secret, v_iv), new_name, coalesce(new_description, ''), new_key_id, v_iv)
    returning id into v_id;
    return v_id;
end
$$;

-- security definer: callers have no UPDATE on vault.secrets.
create function vault.update_secret(
    secret_id uuid,
    new_secret text default null,
    new_name text default null,
    new_description text default null,
    new_key_id uuid default null
) returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_iv bytea := extensions.gen_random_bytes(16);
begin
    update vault.secrets as s
    set
        secret = case when new_secret is null then s.secret else vault._encrypt(new_secret, v_iv) end,
        nonce = case when new_secret is null then s.nonce else v_iv end,
        name = coalesce(new_name, s.name),
        description = coalesce(new_description, s.description),
        key_id = coalesce(new_key_id, s.key_id),
        updated_at = pg_catalog.now()
    where s.id = secret_id;
end
$$;

revoke all on function vault.create_secret(text, text, text, uuid) from public;
revoke all on function vault.update_secret(uuid, text, text, text, uuid) from public;
revoke all on table vault.secrets, vault.decrypted_secrets from public;

-- Vault 0.3.1 on Supabase: postgres reads, deletes and truncates, with grant
-- option, and calls the two functions; anon and authenticated get nothing;
-- nobody inserts or updates vault.secrets directly. Whether service_role has
-- Vault grants differs between images: here it has none (the stricter
-- variant) unless vault_service_role_granted.sql is installed too.
grant usage on schema vault to postgres with grant option;
grant select, delete, truncate, references on table vault.secrets, vault.decrypted_secrets
    to postgres with grant option;
grant execute on function vault.create_secret(text, text, text, uuid) to postgres with grant option;
grant execute on function vault.update_secret(uuid, text, text, text, uuid) to postgres with grant option;
grant execute on function vault._decrypt(text, bytea) to postgres;
