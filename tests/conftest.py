"""Shared fixtures: one throwaway cluster per test session, fresh databases from templates.

``platform_db()`` returns the URL of a new, empty database that already has
the platform layer (cloned from a pristine template), so a test can apply
migrations to it from scratch without paying for another initdb.
``migrated_db()`` returns a new database with every migration applied (no
seed), cloned from a template migrated once per session.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from harness.cluster import Cluster, install_platform, start_cluster
from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = "platform_template"
MIGRATED_TEMPLATE = "migrated_template"
_counter = itertools.count()


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    with start_cluster() as running:
        install_platform(running, "legacy")
        with psycopg.connect(running.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {TEMPLATE} template postgres owner postgres")
        yield running


@pytest.fixture
def platform_db(cluster: Cluster) -> Callable[[], str]:
    """Factory: a new database with the platform layer and nothing else; returns its URL."""

    return lambda: _clone(cluster, TEMPLATE)


def _clone(cluster: Cluster, template: str) -> str:
    name = f"t{next(_counter)}"
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f"create database {name} template {template} owner postgres")
    return cluster.url(dbname=name)


@pytest.fixture(scope="session")
def migrated_template(cluster: Cluster) -> str:
    """Name of a database with the platform layer and every migration (no seed), migrated once."""
    url = _clone(cluster, TEMPLATE)
    apply_builtin(url, ROOT, seed=False)
    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f"alter database {name} rename to {MIGRATED_TEMPLATE}")
    return MIGRATED_TEMPLATE


@pytest.fixture
def migrated_db(cluster: Cluster, migrated_template: str) -> Callable[[], str]:
    """Factory: a new database with every migration applied (no seed); returns its URL."""
    return lambda: _clone(cluster, migrated_template)


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
