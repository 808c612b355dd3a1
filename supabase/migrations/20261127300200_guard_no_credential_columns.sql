-- Guard for the vault_secret_id migrations: no credential may live outside
-- Vault. Fails the migration, naming the offending columns, if
-- public.organization_integrations has any credential-like column other than
-- the Vault reference added by 20261127300100. Creates nothing.
set local lock_timeout = '5s';
set local statement_timeout = '60s';

do $guard$
declare
    v_columns text;
begin
    -- The pattern matches SS-41 in 01_schema_shape.test.sql, whatever the type.
    select pg_catalog.string_agg(a.attname::text, ', ' order by a.attnum)
    into v_columns
    from pg_catalog.pg_attribute as a
    where
        a.attrelid = 'public.organization_integrations'::regclass
        and a.attnum > 0
        and not a.attisdropped
        and a.attname <> 'vault_secret_id'
        and a.attname operator(pg_catalog.~*)
        '(passw|pwd|secret|token|credential|api_?key|private_?key|access_?key|signing_?key|client_?id|bearer|oauth|auth_?code)';

    if v_columns is not null then
        raise exception 'public.organization_integrations has credential-like columns: %', v_columns
        using
            errcode = '55000',
            hint = 'Credentials live only in Vault: move them with public.store_credential() and drop these '
            || 'columns, then run the migration again.';
    end if;
end
$guard$;
