"""Where test databases come from: the session's embedded cluster, or one given Supabase database.

Both backends hand out databases in three states (``KINDS``):

* ``platform``: what a Supabase project has before any migration;
* ``migrated``: every migration applied, no seed;
* ``gates``: ``migrated`` plus pgTAP and the ``tests`` helpers of supabase/tests/00_*.

``LocalDatabases`` clones each test a new database from a template per state, built once per session in
the one embedded cluster. ``RemoteDatabases`` (``pytest --db-url``) has one database only, so it brings
that database back to the state asked for before each test: it resets it with the real CLI (``supabase
db reset --db-url``) when the schema is not in that state, and otherwise only empties what the previous
test wrote. Whether the schema changed is read from the catalog, not declared by tests.
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import psycopg
import pytest

from harness.cluster import SUPERUSER, Cluster, HarnessError, install_platform, start_cluster
from harness.dblint import CheckUnavailable, install_plpgsql_check
from harness.reset import apply_builtin, cli_binary, install_pgtap
from support.migrations import install_test_helpers
from support.paths import ROOT

Kind = Literal["platform", "migrated", "gates"]
KINDS: tuple[Kind, ...] = ("platform", "migrated", "gates")
DB_URL_ENV = "ORG_INTEGRATIONS_TEST_DB_URL"


def dbname_of(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def new_tables_granted_to_anon(url: str) -> bool:
    """Whether the database has legacy default privileges: postgres's new tables in public granted to anon."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select exists (select 1 from pg_catalog.pg_default_acl as d "
            "cross join lateral pg_catalog.aclexplode(d.defaclacl) as a "
            "where d.defaclrole = 'postgres'::pg_catalog.regrole and d.defaclobjtype = 'r' "
            "and d.defaclnamespace in (0, 'public'::pg_catalog.regnamespace) "
            "and a.grantee = 'anon'::pg_catalog.regrole)"
        ).fetchone()
    return bool(row and row[0])


# Local: one embedded cluster per session ------------------------------------------------------------


def start_session_cluster() -> Cluster:
    """The session's cluster: PostgreSQL 15 with the platform layer, and pg_stat_statements preloaded.

    Hosted Supabase preloads pg_stat_statements; the plaintext canary reads it. Loading a library needs a
    restart, so it is set before the platform layer goes in; tracking stays off (``track = none``) except
    in the databases the canary turns it on for, so no other test pays for it. The default-privileges mode
    follows PGTAP_DEFAULT_PRIVILEGES (legacy unless set), as the harness's ``--default-privileges`` does.
    """
    cluster = start_cluster()
    try:
        wait_until_ready(cluster)
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute("alter system set shared_preload_libraries = 'pg_stat_statements'")
        restart(cluster)
        wait_until_ready(cluster)
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute("alter system set pg_stat_statements.track = 'none'")
            conn.execute("select pg_catalog.pg_reload_conf()")
        install_platform(cluster, os.environ.get("PGTAP_DEFAULT_PRIVILEGES", "legacy"))
    except BaseException:
        cluster.stop()
        raise
    return cluster


def restart(cluster: Cluster) -> None:
    """``pg_ctl restart`` with the options the cluster was started with (kept in postmaster.opts)."""
    log = cluster.workdir / "postgresql.log"
    command = [cluster.executor.executable, "restart", "-D", cluster.executor.datadir, "-w", "-m", "fast", "-l", log]
    proc = subprocess.run(list(map(str, command)), stdin=subprocess.DEVNULL, capture_output=True, check=False)
    if proc.returncode != 0:
        raise HarnessError(f"restarting the session cluster failed: {proc.stderr.decode(errors='replace')}")


def wait_until_ready(cluster: Cluster, seconds: float = 60) -> None:
    """Wait while the server is still starting up (the port can accept connections before it does)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(cluster.admin_url, autocommit=True, connect_timeout=5) as conn:
                conn.execute("select 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class LocalDatabases:
    """Fresh databases cloned from per-state templates in the session's embedded cluster."""

    remote = False

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._names = itertools.count()
        self._templates: dict[Kind, str] = {}
        # The platform template is taken while nothing else is connected to `postgres`.
        self._admin("create database platform_template template postgres owner postgres")
        self._templates["platform"] = "platform_template"

    def superuser_url(self, url: str) -> str:
        """The same database as the cluster's superuser (what creates untrusted extensions, pg_dump of all)."""
        return self.cluster.url(user=SUPERUSER, password="", dbname=dbname_of(url))

    def make(self, kind: Kind) -> str:
        return self._clone(self._template(kind), f"t{next(self._names)}")

    def drop(self, url: str) -> None:
        self._admin(f"drop database if exists {dbname_of(url)} with (force)")

    def install_pgtap(self, url: str) -> None:
        install_pgtap(self.superuser_url(url))

    def install_plpgsql_check(self, url: str) -> None:
        """As the superuser; skips where the server has no plpgsql_check (PostgreSQL 17 here), naming the check."""
        try:
            install_plpgsql_check(self.superuser_url(url), self.cluster.major)
        except CheckUnavailable as exc:
            pytest.skip(f"supabase db lint NOT RUN on {self.cluster.server}: {exc}")

    def _admin(self, statement: str) -> None:
        with psycopg.connect(self.cluster.admin_url, autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]  # names made here

    def _clone(self, template: str, name: str) -> str:
        self._admin(f"create database {name} template {template} owner postgres")
        return self.cluster.url(dbname=name)

    def _template(self, kind: Kind) -> str:
        if kind not in self._templates:
            if kind == "migrated":
                url = self._clone(self._template("platform"), "migrated_template")
                apply_builtin(url, ROOT, seed=False)
            else:
                url = self._clone(self._template("migrated"), "gates_template")
                self.install_pgtap(url)
                install_test_helpers(url)
            self._templates[kind] = dbname_of(url)
        return self._templates[kind]


# Remote: one given Supabase database ------------------------------------------------------------------

# Schemas the project's migrations own, as tests.project_schemas() defines them for the catalog gates:
# not the platform's, not an extension's.
_PROJECT_TABLES = """
select pg_catalog.format('%I.%I', n.nspname, c.relname)
from pg_catalog.pg_class as c
join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
where
    c.relkind in ('r', 'p')
    and n.nspname !~ '^pg_'
    and n.nspname not in (
        'information_schema', '_analytics', '_realtime', '_supavisor', 'auth', 'cron', 'extensions', 'graphql',
        'graphql_public', 'net', 'pgbouncer', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle',
        'realtime', 'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tests', 'tiger',
        'topology', 'vault'
    )
    and pg_catalog.pg_get_userbyid(n.nspowner) <> 'supabase_admin'
    and not exists (
        select 1 from pg_catalog.pg_depend as d
        where d.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass and d.objid = n.oid and d.deptype = 'e'
    )
order by 1
"""

# Everything a test could change in the schema, one line per item: objects, definitions, privileges,
# constraint validation, extensions. Rows are not in it.
_SCHEMA_FINGERPRINT = """
with user_namespaces as (
    select n.oid, n.nspname from pg_catalog.pg_namespace as n
    where n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
),
items as (
    select 'n ' || n.nspname || ' ' || pg_catalog.pg_get_userbyid(s.nspowner) || ' ' || coalesce(s.nspacl::text, '')
    from user_namespaces as n join pg_catalog.pg_namespace as s on s.oid = n.oid
    union all
    select 'c ' || c.oid::pg_catalog.regclass::text || ' ' || c.relkind::text || ' ' || c.relrowsecurity::text || ' '
        || coalesce(c.relacl::text, '')
    from pg_catalog.pg_class as c where c.relnamespace in (select oid from user_namespaces)
    union all
    select 'a ' || a.attrelid::pg_catalog.regclass::text || ' ' || a.attname || ' '
        || pg_catalog.format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '
        || coalesce(a.attacl::text, '')
    from pg_catalog.pg_attribute as a join pg_catalog.pg_class as c on c.oid = a.attrelid
    where c.relnamespace in (select oid from user_namespaces) and a.attnum > 0 and not a.attisdropped
    union all
    select 'f ' || p.oid::pg_catalog.regprocedure::text || ' ' || pg_catalog.md5(p.prosrc) || ' '
        || p.prosecdef::text || ' ' || p.provolatile::text || ' ' || coalesce(p.proconfig::text, '') || ' '
        || coalesce(p.proacl::text, '')
    from pg_catalog.pg_proc as p where p.pronamespace in (select oid from user_namespaces)
    union all
    select 'p ' || p.polrelid::pg_catalog.regclass::text || ' ' || p.polname || ' ' || p.polcmd::text || ' '
        || p.polroles::text || ' ' || coalesce(pg_catalog.pg_get_expr(p.polqual, p.polrelid), '') || ' '
        || coalesce(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '')
    from pg_catalog.pg_policy as p
    union all
    select 't ' || t.tgrelid::pg_catalog.regclass::text || ' ' || t.tgname || ' ' || t.tgenabled::text || ' '
        || t.tgfoid::pg_catalog.regprocedure::text
    from pg_catalog.pg_trigger as t where not t.tgisinternal
    union all
    select 'k ' || k.conrelid::pg_catalog.regclass::text || ' ' || k.conname || ' ' || k.convalidated::text || ' '
        || pg_catalog.pg_get_constraintdef(k.oid)
    from pg_catalog.pg_constraint as k where k.connamespace in (select oid from user_namespaces)
    union all
    select 'e ' || e.extname || ' ' || e.extversion || ' ' || e.extnamespace::pg_catalog.regnamespace::text
    from pg_catalog.pg_extension as e
    union all
    select 'd ' || d.defaclrole::pg_catalog.regrole::text || ' ' || d.defaclnamespace::text || ' '
        || d.defaclobjtype::text || ' ' || coalesce(d.defaclacl::text, '')
    from pg_catalog.pg_default_acl as d
)
select i.item from items as i (item)
"""

# Privileges on the schemas a reset keeps, as (schema, grantee, privilege); "public" is the PUBLIC pseudo-role.
_SCHEMA_PRIVILEGES = """
select
    pg_catalog.quote_ident(n.nspname),
    case when a.grantee = 0 then 'public' else pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) end,
    a.privilege_type
from pg_catalog.pg_namespace as n
cross join lateral pg_catalog.aclexplode(n.nspacl) as a
where n.nspname in ('public', 'extensions') and a.grantee <> n.nspowner
"""

# What a reset leaves in public: standalone sequences (the only relations it does not drop there).
_PUBLIC_RELATIONS = """
select c.oid::pg_catalog.regclass::text
from pg_catalog.pg_class as c
where c.relnamespace = 'public'::pg_catalog.regnamespace and c.relkind = 'S'
"""


def cli_reset(url: str, project: Path) -> None:
    """The real ``supabase db reset --db-url`` with ``project``'s migrations and no seed (tests make their data)."""
    if "sslmode=" not in url:
        url += ("&" if "?" in url else "?") + "sslmode=disable"
    proc = subprocess.run(
        [str(cli_binary(ROOT)), "db", "reset", "--yes", "--no-seed", "--db-url", url],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if proc.returncode != 0:
        raise HarnessError(f"supabase db reset failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}")


def _empty_project() -> Path:
    """A Supabase project without migrations: resetting to it leaves the database as the platform made it."""
    project = Path(tempfile.mkdtemp(prefix="pytest-empty-project-"))
    (project / "supabase" / "migrations").mkdir(parents=True)
    config = 'project_id = "pytest-empty"\n[db]\nmajor_version = 15\n[db.seed]\nenabled = false\n'
    (project / "supabase" / "config.toml").write_text(config)
    return project


class RemoteDatabases:
    """One given database (``pytest --db-url``), brought back to the state each test asks for.

    Every ``make`` returns the same URL, so a test can hold one database at a time: asking for a second
    resets the first. A catalog fingerprint, taken when a state is first prepared, tells whether the previous
    test changed the schema (a bad migration, a rollback, a sabotaged function, a dropped check): then the
    next test gets a real CLI reset; otherwise only the rows the previous test wrote are removed, which is
    much faster than a reset on a remote database.

    ``supabase db reset --db-url`` drops the project's schemas and objects but keeps three things a test
    can change: rows of ``auth.users`` and ``vault.secrets``, privileges on the schemas it keeps (``public``),
    and standalone sequences in ``public``. Those are put back as they were at the session's first reset
    (where the Vault secrets of the integrations the reset dropped, ``integration_credential:*``, are
    deleted); if anything else still differs from that first state, the run stops with the difference.
    """

    remote = True

    def __init__(self, url: str) -> None:
        self.url = url
        self._kind: Kind | None = None
        self._pristine: dict[Kind, set[str]] = {}  # the schema fingerprint of each state, when first prepared
        self._kept: dict[str, list[str]] = {}  # auth.users and vault.secrets ids present at the first reset
        self._schema_privileges: set[tuple[str, str, str]] = set()  # (schema, grantee, privilege) at the first reset
        self._public_relations: dict[Kind, set[str]] = {}
        self._filled: dict[str, str] = {}  # project tables that had rows after the reset -> md5 of their rows
        self._empty = _empty_project()
        self.resets = 0

    def superuser_url(self, url: str) -> str:
        pytest.skip("needs the superuser of a local cluster; --db-url gives only the project's postgres role")

    def make(self, kind: Kind) -> str:
        if self._kind != kind or not self._clean_up():
            self._prepare(kind)
        return self.url

    def drop(self, url: str) -> None:
        """Nothing to drop: the next test's ``make`` cleans up."""

    def close(self) -> None:
        shutil.rmtree(self._empty, ignore_errors=True)

    def install_pgtap(self, url: str) -> None:
        install_pgtap(url)  # as postgres: Supabase lets it create pgTAP

    def install_plpgsql_check(self, url: str) -> None:
        """``supabase db lint`` creates plpgsql_check itself on Supabase; skip where postgres may not."""
        with psycopg.connect(url) as conn:
            try:
                conn.execute("create extension if not exists plpgsql_check with schema extensions")
            except psycopg.errors.InsufficientPrivilege:
                pytest.skip("postgres may not create plpgsql_check on this database (it may on Supabase)")
            finally:
                conn.rollback()

    def _prepare(self, kind: Kind) -> None:
        self._kind = None
        cli_reset(self.url, self._empty if kind == "platform" else ROOT)
        self.resets += 1
        with psycopg.connect(self.url, autocommit=True) as conn:
            if not self._kept:
                # The reset dropped every integration: their credentials (from the seed, or an earlier run) are
                # orphans now, and would collide with the names the tests' integrations store theirs under.
                conn.execute("delete from vault.secrets where name like 'integration\\_credential:%'")
                self._kept = {
                    table: [row[0] for row in conn.execute(f"select t.id::text from {table} as t")]  # type: ignore[arg-type]
                    for table in ("auth.users", "vault.secrets")
                }
                self._schema_privileges = set(conn.execute(_SCHEMA_PRIVILEGES).fetchall())
            self._delete_new_users_and_secrets(conn)
            self._restore_schema_privileges(conn)
            public = {row[0] for row in conn.execute(_PUBLIC_RELATIONS)}
            for name in public - self._public_relations.setdefault(kind, public):
                conn.execute(f"drop sequence if exists {name} cascade")  # type: ignore[arg-type]
        if kind == "gates":
            self.install_pgtap(self.url)
            install_test_helpers(self.url)
        with psycopg.connect(self.url, autocommit=True) as conn:
            schema = self._schema(conn)
            pristine = self._pristine.setdefault(kind, schema)
            if schema != pristine:
                lines = sorted(schema ^ pristine)[:20]
                raise HarnessError(
                    f"after `supabase db reset`, the {kind} state differs from the session's first one:\n"
                    + "\n".join(("+ " if line in schema else "- ") + line for line in lines)
                )
            self._filled = {}
            for (table,) in conn.execute(_PROJECT_TABLES).fetchall():
                digest = self._digest(conn, table)
                if digest is not None:
                    self._filled[table] = digest
        self._kind = kind

    def _clean_up(self) -> bool:
        """Remove the rows the previous test wrote; False if the schema changed and a reset is needed."""
        assert self._kind is not None
        with psycopg.connect(self.url, autocommit=True) as conn:
            if self._schema(conn) != self._pristine[self._kind]:
                return False
            if any(self._digest(conn, table) != digest for table, digest in self._filled.items()):
                return False
            emptied = [row[0] for row in conn.execute(_PROJECT_TABLES) if row[0] not in self._filled]
            with conn.transaction():
                if emptied:
                    conn.execute(f"truncate table {', '.join(emptied)} restart identity cascade")  # type: ignore[arg-type]
                self._delete_new_users_and_secrets(conn)
        return True

    def _delete_new_users_and_secrets(self, conn: psycopg.Connection) -> None:
        for table, kept in self._kept.items():
            conn.execute(f"delete from {table} where not (id::text = any(%s))", [kept])  # type: ignore[arg-type]

    def _restore_schema_privileges(self, conn: psycopg.Connection) -> None:
        now = set(conn.execute(_SCHEMA_PRIVILEGES).fetchall())
        schemas = {schema for schema, _, _ in self._schema_privileges}
        for schema, grantee, privilege in now - self._schema_privileges:
            if schema in schemas:
                conn.execute(f"revoke {privilege} on schema {schema} from {grantee}")  # type: ignore[arg-type]
        for schema, grantee, privilege in self._schema_privileges - now:
            conn.execute(f"grant {privilege} on schema {schema} to {grantee}")  # type: ignore[arg-type]

    @staticmethod
    def _schema(conn: psycopg.Connection) -> set[str]:
        items = {row[0] for row in conn.execute(_SCHEMA_FINGERPRINT)}
        if _has_migrations_table(conn):
            items |= {
                f"m {row[0]}" for row in conn.execute("select version from supabase_migrations.schema_migrations")
            }
        return items

    @staticmethod
    def _digest(conn: psycopg.Connection, table: str) -> str | None:
        row = conn.execute(
            f"select pg_catalog.count(*), pg_catalog.md5(pg_catalog.string_agg(r::text, E'\\n' order by r::text)) "  # type: ignore[arg-type]
            f"from {table} as r"
        ).fetchone()
        return None if row is None or row[0] == 0 else str(row[1])


def _has_migrations_table(conn: psycopg.Connection) -> bool:
    row = conn.execute("select pg_catalog.to_regclass('supabase_migrations.schema_migrations') is not null").fetchone()
    return bool(row and row[0])
