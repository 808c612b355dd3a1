"""Shared support for the pytest suites: databases, migrations, users and identities.

Fixtures (tests/conftest.py), for every suite:

``databases`` (session)
    Where databases come from. By default a ``LocalDatabases`` over the session's one embedded
    PostgreSQL 15 cluster (platform layer installed, pg_stat_statements preloaded with tracking off,
    default privileges from PGTAP_DEFAULT_PRIVILEGES, legacy unless set). With ``pytest --db-url URL``
    (or ORG_INTEGRATIONS_TEST_DB_URL) a ``RemoteDatabases`` over that one Supabase database.
    ``databases.remote`` tells which; ``databases.install_pgtap(url)`` and
    ``databases.install_plpgsql_check(url)`` create those extensions as whoever may;
    ``databases.superuser_url(url)`` is the same database as the local superuser (skips remotely).
``cluster`` (session)
    The embedded cluster itself (``harness.cluster.Cluster``); skips under --db-url.
``platform_db()``, ``migrated_db(extra=None)``, ``gates_db()`` (factories, per test)
    A database with only the platform layer; with every migration and no seed (``extra``: file name ->
    SQL applied after them as further migrations, for failing proofs); with every migration plus pgTAP
    and the supabase/tests/00_* helpers. Each call returns a new database's URL, as ``postgres``; the
    databases are dropped after the test.
``db_url``
    ``migrated_db()`` for tests that need exactly one migrated database.
``make_project(...)``
    A scratch Supabase project tree (migrations, tests, seed, optionally the CLI) for harness tests.

Marker: ``@pytest.mark.local_cluster(reason=...)`` for tests that start or inspect a cluster of their own;
they skip under --db-url.

Under --db-url every factory returns the same database. Before each test it is brought to the state
asked for: a real ``supabase db reset --db-url`` (no seed) when the schema is not in that state (read from
a catalog fingerprint, so a test that adds a bad migration, runs a rollback or sabotages a function is
followed by a reset), otherwise only the rows the last test wrote are removed. So a test may hold one
database at a time: asking for another resets the first.

Helpers (plain functions):

* ``support.identity.act_as(conn, identity)``: act as an ``org_integrations.identity.Identity`` until the
  end of the transaction, exactly as PostgREST and the repository do (``Identity.apply``).
* ``support.users.create_user(conn, user_id, email=None)``: one confirmed user in ``auth.users``;
  ``create_org(conn, org_id, name)`` and ``add_member(conn, org_id, user_id, role)``.
* ``support.databases.new_tables_granted_to_anon(url)``: whether the database has legacy default privileges.
* ``support.migrations``: ``migrate(url, upto=None)`` (migration up, no seed; returns versions),
  ``project_with(dir, {name: sql})``, ``apply_extra(url, dir, {name: sql})``, ``run_script(url, path)``,
  ``install_test_helpers(url)``, ``schema_dump(url)``, ``version_of(path)``.
* ``support.config_documents``: Hypothesis strategies for field_mappings and sync_schedule documents.
* ``support.paths``: ``ROOT``, ``SQL_TESTS``, ``MIGRATIONS``.
"""
