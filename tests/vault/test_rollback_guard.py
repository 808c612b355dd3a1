"""Every rollback script in supabase/rollbacks/ runs only while its group is the newest migration recorded.

A rollback is named after the last migration of the group it undoes. When a
later migration is recorded, the script refuses (55000) before changing
anything: later migrations may use what it drops (20261127600200 calls
private.revoke_credential), and they would stay recorded as applied.

The dependency scan proves why, and keeps proving it for migrations still to
come: with everything applied, each rollback is run inside a transaction
(later versions hidden so that its guard lets it through), then plpgsql_check
(plpgsql) and re-creating each SQL function (check_function_bodies) list the
remaining functions that now reference a dropped object. Each such function
must come from a later migration, and that migration, recorded alone, must
make the rollback refuse.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from harness.reset import apply_builtin, migration_files
from harness.sqlsplit import split_statements
from support.migrations import schema_dump, version_of
from support.paths import ROOT

ROLLBACKS = sorted((ROOT / "supabase" / "rollbacks").glob("*.sql"))
VERSIONS = [version_of(path) for path in migration_files(ROOT)]
# Functions each rollback is known to break when later migrations are applied: proves the scan sees them.
KNOWN_DEPENDENTS = {
    "20261127300900": {"private.emergency_revoke_credentials(uuid,text,boolean)": "20261127600200"},
}
PROJECT_SCHEMAS = ("public", "private")

_FUNCTIONS = """
select p.oid::regprocedure::text, md5(pg_catalog.pg_get_functiondef(p.oid))
from pg_catalog.pg_proc as p
join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
where n.nspname = any(%s) and p.prokind = 'f'
"""
_PLPGSQL_ERRORS = """
select p.oid::regprocedure::text, c.message
from pg_catalog.pg_proc as p
join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
join pg_catalog.pg_language as l on l.oid = p.prolang
cross join lateral (
    select coalesce((select t.tgrelid from pg_catalog.pg_trigger as t where t.tgfoid = p.oid limit 1), 0) as relid
) as r
cross join lateral extensions.plpgsql_check_function_tb(p.oid, r.relid) as c
where
    n.nspname = any(%s)
    and l.lanname = 'plpgsql'
    and p.prokind = 'f'
    and (p.prorettype <> 'pg_catalog.trigger'::pg_catalog.regtype or r.relid <> 0)
    and c.level = 'error'
"""
_SQL_FUNCTIONS = """
select p.oid::regprocedure::text, pg_catalog.pg_get_functiondef(p.oid)
from pg_catalog.pg_proc as p
join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
join pg_catalog.pg_language as l on l.oid = p.prolang
where n.nspname = any(%s) and l.lanname = 'sql' and p.prokind = 'f'
"""


def group_last(rollback: Path) -> str:
    version = version_of(rollback)
    assert version in VERSIONS, f"{rollback.name} is not named after a migration"
    return version


def recorded(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("select version from supabase_migrations.schema_migrations order by 1")]


def run_inside(conn: psycopg.Connection, rollback: Path) -> None:
    """Run the script's statements, without its own begin/commit, inside the caller's transaction."""
    for statement in split_statements(rollback.read_text()):
        if statement.text.strip().rstrip(";").lower() not in ("begin", "commit"):
            conn.execute(statement.text)  # type: ignore[arg-type]  # trusted project SQL


def run_script(url: str, rollback: Path) -> None:
    """As `psql -v ON_ERROR_STOP=1 -f` runs it: statement by statement, the script managing its transaction."""
    with psycopg.connect(url, autocommit=True) as conn:
        try:
            for statement in split_statements(rollback.read_text()):
                conn.execute(statement.text)  # type: ignore[arg-type]  # trusted project SQL
        except psycopg.Error:
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.execute("rollback")
            raise


def broken_functions(conn: psycopg.Connection) -> set[str]:
    """Functions in the project schemas whose body references something that does not exist (any more)."""
    broken = {row[0] for row in conn.execute(_PLPGSQL_ERRORS, [list(PROJECT_SCHEMAS)])}  # type: ignore[arg-type]
    for signature, definition in conn.execute(_SQL_FUNCTIONS, [list(PROJECT_SCHEMAS)]).fetchall():  # type: ignore[arg-type]
        try:
            with conn.transaction():  # savepoint: re-creating re-checks the body, then is undone
                conn.execute(definition)
        except psycopg.Error:
            broken.add(signature)
    return broken


# Both positions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rollback", ROLLBACKS, ids=lambda p: p.name)
def test_rollback_runs_when_its_group_is_the_newest(rollback: Path, platform_db) -> None:
    url = platform_db()
    apply_builtin(url, ROOT, upto=group_last(rollback), seed=False)
    run_script(url, rollback)
    assert group_last(rollback) not in recorded(url)


@pytest.mark.parametrize("rollback", ROLLBACKS, ids=lambda p: p.name)
def test_rollback_refuses_and_changes_nothing_when_newer_migrations_are_recorded(rollback: Path, migrated_db) -> None:
    url = migrated_db()
    newer = [v for v in recorded(url) if v > group_last(rollback)]
    assert newer, "every migration is applied, so something is newer than the group"
    dump_before, recorded_before = schema_dump(url), recorded(url)

    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as raised:
        run_script(url, rollback)
    assert newer[-1] in (raised.value.diag.message_primary or "")
    assert schema_dump(url) == dump_before
    assert recorded(url) == recorded_before


@pytest.mark.parametrize("rollback", ROLLBACKS, ids=lambda p: p.name)
def test_rollback_refuses_when_only_the_next_migration_is_recorded(rollback: Path, platform_db) -> None:
    later = [v for v in VERSIONS if v > group_last(rollback)]
    if not later:
        pytest.skip("the group is the newest in the repository")
    url = platform_db()
    apply_builtin(url, ROOT, upto=later[0], seed=False)
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        run_script(url, rollback)
    assert group_last(rollback) in recorded(url)


def test_the_breach_runbook_survives_a_refused_rollback(migrated_db) -> None:
    """The case the guard exists for: after the attempt, emergency_revoke_credentials still runs (dry run)."""
    url = migrated_db()
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
        run_script(url, ROOT / "supabase" / "rollbacks" / "20261127300900_list_dangling_credential_references.sql")
    with psycopg.connect(url) as conn:
        org = conn.execute("insert into public.organizations (name) values ('Runbook') returning id").fetchone()
        assert org is not None
        rows = conn.execute("select * from public.emergency_revoke_credentials(%s, 'INC-1', true)", [org[0]])
        assert rows.fetchall() == []


# Dependency scan ------------------------------------------------------------------------------------


@pytest.mark.parametrize("rollback", ROLLBACKS, ids=lambda p: p.name)
def test_every_later_migration_using_what_a_rollback_drops_makes_it_refuse(
    rollback: Path, platform_db, databases
) -> None:
    last = group_last(rollback)
    url = platform_db()
    # The scan is plpgsql_check's: it skips, naming the check, where the server has none (17 here).
    databases.install_plpgsql_check(url)
    apply_builtin(url, ROOT, upto=last, seed=False)

    # Which later migration first (re)defined each function: the one that started using what it uses.
    # Later changes that only alter it (a search_path setting, say) do not move that.
    defined_by: dict[str, str] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        digests = dict(conn.execute(_FUNCTIONS, [list(PROJECT_SCHEMAS)]).fetchall())  # type: ignore[arg-type]
    for version in (v for v in VERSIONS if v > last):
        apply_builtin(url, ROOT, upto=version, seed=False)
        with psycopg.connect(url, autocommit=True) as conn:
            now = dict(conn.execute(_FUNCTIONS, [list(PROJECT_SCHEMAS)]).fetchall())  # type: ignore[arg-type]
        for signature, digest in now.items():
            if digests.get(signature) != digest:
                defined_by.setdefault(signature, version)
        digests = now

    with psycopg.connect(url) as conn:
        assert broken_functions(conn) == set(), "before any rollback, every function resolves"
        conn.rollback()
        with conn.transaction(force_rollback=True):
            # Hide the later versions so that the guard lets the script through, as if the group were the newest.
            conn.execute("delete from supabase_migrations.schema_migrations where version > %s", [last])
            run_inside(conn, rollback)
            broken = broken_functions(conn)

    stale = sorted(f for f in broken if f not in defined_by)
    assert not stale, f"{rollback.name} leaves behind functions of its group or older that it breaks: {stale}"
    for signature, version in KNOWN_DEPENDENTS.get(last, {}).items():
        assert defined_by.get(signature) == version
        assert signature in broken, f"the scan missed {signature}"

    for version in sorted({defined_by[f] for f in broken}):
        with psycopg.connect(url) as conn, conn.transaction(force_rollback=True):
            # Only this dependent migration recorded after the group.
            conn.execute(
                "delete from supabase_migrations.schema_migrations where version > %s and version <> %s",
                [last, version],
            )
            users = sorted(f for f in broken if defined_by[f] == version)
            with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
                run_inside(conn, rollback)
            assert users, version
