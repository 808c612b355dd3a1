"""Fixtures for the integration-configuration tests.

One throwaway PostgreSQL 15 cluster for this directory, with the platform layer
and every migration (not seed.sql: these tests make their own data) in the
database ``postgres``, which read-only tests use directly. ``fresh_db()`` clones
it for tests that write. config_db.migrate() applies pending migrations, for tests that start from an
older schema.
The default-privileges mode follows PGTAP_DEFAULT_PRIVILEGES (default legacy).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from harness.cluster import Cluster, install_platform, start_cluster
from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[2]
ALL_MIGRATIONS = "99999999999999"  # an `upto` past every migration: apply them all, skip the seed
TEMPLATE = "config_template"
PLATFORM_TEMPLATE = "config_platform_template"
_names = itertools.count()


@pytest.fixture(scope="session")
def config_cluster() -> Iterator[Cluster]:
    with start_cluster() as cluster:
        install_platform(cluster, os.environ.get("PGTAP_DEFAULT_PRIVILEGES", "legacy"))
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {PLATFORM_TEMPLATE} template postgres owner postgres")
        apply_builtin(cluster.url(), ROOT, upto=ALL_MIGRATIONS)
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {TEMPLATE} template postgres owner postgres")
        yield cluster


@pytest.fixture(scope="session")
def db_url(config_cluster: Cluster) -> str:
    """The fully migrated database. Read-only use: tests that write take fresh_db()."""
    return config_cluster.url()


def _clone(cluster: Cluster, template: str) -> str:
    name = f"config_{next(_names)}"
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f"create database {name} template {template} owner postgres")
    return name


@pytest.fixture
def fresh_db(config_cluster: Cluster) -> Iterator[Callable[..., str]]:
    """Factory: a new database; fully migrated by default, or with only the platform layer (migrated=False)."""
    made: list[str] = []

    def make(migrated: bool = True) -> str:
        name = _clone(config_cluster, TEMPLATE if migrated else PLATFORM_TEMPLATE)
        made.append(name)
        return config_cluster.url(dbname=name)

    yield make
    with psycopg.connect(config_cluster.admin_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f"drop database if exists {name} with (force)")
