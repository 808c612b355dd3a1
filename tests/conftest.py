"""Session-wide fixtures: the test databases (see tests/support/__init__.py for the whole API).

By default one embedded PostgreSQL 15 cluster serves the session, and every database fixture hands out a
new database cloned from a template. ``pytest --db-url URL`` (or ORG_INTEGRATIONS_TEST_DB_URL=URL) runs the
database-facing suites against that Supabase database instead, after a real ``supabase db reset``; tests
that need a cluster of their own or its superuser skip with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from harness.cluster import Cluster
from support.databases import DB_URL_ENV, Kind, LocalDatabases, RemoteDatabases, start_session_cluster
from support.migrations import apply_extra
from support.paths import ROOT

Databases = LocalDatabases | RemoteDatabases
LOCAL_CLUSTER_REASON = "starts or inspects an embedded cluster of its own, which --db-url replaces"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db-url",
        default=os.environ.get(DB_URL_ENV) or None,
        help=f"run the database tests against this Supabase database (reset with the CLI first; env {DB_URL_ENV})",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"local_cluster: needs the embedded cluster itself; skipped under --db-url ({LOCAL_CLUSTER_REASON})"
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    url = config.getoption("--db-url")
    return f"database: {_redacted(url)} (--db-url: reset with the Supabase CLI)" if url else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.getoption("--db-url"):
        return
    for item in items:
        marker = item.get_closest_marker("local_cluster")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=marker.kwargs.get("reason", LOCAL_CLUSTER_REASON)))


def _redacted(url: str) -> str:
    head, _, tail = url.rpartition("@")
    return f"{head.split(':', 2)[0]}://***@{tail}" if head else url


@pytest.fixture(scope="session")
def databases(request: pytest.FixtureRequest) -> Iterator[Databases]:
    """Where test databases come from: the embedded session cluster, or the --db-url database."""
    url = request.config.getoption("--db-url")
    if url:
        remote = RemoteDatabases(url)
        try:
            yield remote
        finally:
            request.config.stash[_RESETS] = remote.resets
            remote.close()
        return
    cluster = start_session_cluster()
    try:
        yield LocalDatabases(cluster)
    finally:
        cluster.stop()


_RESETS = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    if config.getoption("--db-url") and _RESETS in config.stash:
        terminalreporter.write_line(f"--db-url: {config.stash[_RESETS]} supabase db reset run(s)")


@pytest.fixture(scope="session")
def cluster(databases: Databases) -> Cluster:
    """The session's embedded cluster itself (skips under --db-url)."""
    if isinstance(databases, RemoteDatabases):
        pytest.skip(LOCAL_CLUSTER_REASON)
    return databases.cluster


def _factory(databases: Databases, kind: Kind) -> Iterator[Callable[[], str]]:
    made: list[str] = []

    def make() -> str:
        made.append(databases.make(kind))
        return made[-1]

    yield make
    for url in made:
        databases.drop(url)


@pytest.fixture
def platform_db(databases: Databases) -> Iterator[Callable[[], str]]:
    """Factory: a database with the platform layer only (no migration), as a new Supabase project; its URL."""
    yield from _factory(databases, "platform")


@pytest.fixture
def gates_db(databases: Databases) -> Iterator[Callable[[], str]]:
    """Factory: a migrated database plus pgTAP and the supabase/tests/00_* helpers; its URL."""
    yield from _factory(databases, "gates")


@pytest.fixture
def migrated_db(databases: Databases, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Factory: a database with every migration (no seed); its URL (as postgres).

    ``extra`` maps file names to SQL applied after the real migrations, each as one more migration: the
    deliberately bad variants the failing proofs need. (``project``, a scratch directory, is accepted for
    older callers; the test's tmp_path is used otherwise.)
    """
    databases_made: list[str] = []

    def make(extra: dict[str, str] | None = None, project: Path | None = None) -> str:
        url = databases.make("migrated")
        databases_made.append(url)
        if extra:
            apply_extra(url, project or tmp_path, extra)
        return url

    yield make
    for url in databases_made:
        databases.drop(url)


@pytest.fixture
def db_url(migrated_db: Callable[..., str]) -> str:
    """A fresh database with every migration (no seed), for this test only."""
    return migrated_db()


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Factory: a minimal project tree with the given migrations, tests and seed."""

    def make(
        migrations: dict[str, str] | None = None,
        tests: dict[str, str] | None = None,
        seed: str | None = None,
        with_cli: bool = False,
    ) -> Path:
        project = tmp_path / "project"
        for sub, files in (("migrations", migrations or {}), ("tests", tests or {})):
            folder = project / "supabase" / sub
            folder.mkdir(parents=True, exist_ok=True)
            for name, text in files.items():
                (folder / name).write_text(text)
        config = 'project_id = "tmp"\n[db]\nmajor_version = 15\n[db.seed]\nenabled = true\nsql_paths = ["./seed.sql"]\n'
        (project / "supabase" / "config.toml").write_text(config)
        if seed is not None:
            (project / "supabase" / "seed.sql").write_text(seed)
        if with_cli:
            if not (ROOT / "node_modules" / ".bin" / "supabase").exists():
                pytest.fail("the Supabase CLI is not installed: run `npm ci` (tools/dev.sh does)")
            (project / "node_modules").symlink_to(ROOT / "node_modules")
        return project

    return make
