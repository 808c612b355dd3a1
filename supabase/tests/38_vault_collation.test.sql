-- Vault's decrypted_secret has collation "C" while the database default is
-- en_US.UTF-8, as on Supabase. Comparing it with a default-collation value in
-- results_eq then fails with 42P22 unless the test says which collation to
-- use. The local platform once hid this; these assertions would have caught it.

begin;

select plan(5);

select tests.clear_authentication();
select vault.create_secret('f35-value', 'f35-collation-probe');

select is(
    (
        select d.datcollate::text
        from pg_catalog.pg_database as d
        where d.datname = pg_catalog.current_database()
    ),
    'en_US.UTF-8',
    'VC-01: the database collates in en_US.UTF-8, as Supabase images do'
);
select is(
    (
        select c.collname::text
        from pg_catalog.pg_attribute as a
        inner join pg_catalog.pg_collation as c on a.attcollation = c.oid
        where
            a.attrelid = 'vault.decrypted_secrets'::pg_catalog.regclass
            and a.attname = 'decrypted_secret'
    ),
    'C',
    'VC-02: vault.decrypted_secrets.decrypted_secret has collation "C", as in Vault 0.3'
);
select throws_ok(
    $$
    select extensions.results_eq(
        'select d.decrypted_secret from vault.decrypted_secrets as d where d.name = ''f35-collation-probe''',
        'values (''f35-value'')'
    )
    $$,
    '42P22',
    null,
    'VC-03: results_eq of decrypted_secret against a plain literal cannot pick a collation'
);
select results_eq(
    $$
    select d.decrypted_secret collate pg_catalog."default"
    from vault.decrypted_secrets as d
    where d.name = 'f35-collation-probe'
    $$,
    $$values ('f35-value')$$,
    'VC-04: with an explicit collation on the Vault value, results_eq compares'
);
select results_eq(
    $$
    select d.decrypted_secret
    from vault.decrypted_secrets as d
    where d.name = 'f35-collation-probe'
    $$,
    $$values ('f35-value' collate "C")$$,
    'VC-05: or with Vault''s collation on the expected value'
);

select * from finish();
rollback;
