"""Fixtures for the catalog gates (supabase/tests/9x_*_gates.test.sql) and `supabase db lint`.

Everything runs in the session's one throwaway cluster (tests/conftest.py). This
repository's migrations are applied once, to a database that then serves as a
template: ``gates_db()`` clones it in a fraction of a second, so each bad
migration gets a fresh, fully migrated database of its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import psycopg
import pytest
from gate_helpers import admin_url, install_test_helpers

from harness.cluster import Cluster
from harness.reset import install_pgtap

MIGRATED_TEMPLATE = "gates_migrated"
_names = itertools.count()


@pytest.fixture(scope="session")
def gates_template(cluster: Cluster, migrated_template: str) -> Iterator[str]:
    """The session's migrated template (tests/conftest.py) plus pgTAP and the test helpers."""
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f"create database {MIGRATED_TEMPLATE} template {migrated_template} owner postgres")
    url = cluster.url(dbname=MIGRATED_TEMPLATE)
    install_pgtap(admin_url(cluster, MIGRATED_TEMPLATE))
    install_test_helpers(url)
    yield MIGRATED_TEMPLATE
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(f"drop database if exists {MIGRATED_TEMPLATE} with (force)")


@pytest.fixture
def gates_db(cluster: Cluster, gates_template: str) -> Iterator[Callable[[], str]]:
    """Factory: a new database cloned from ``gates_template``; returns its URL (as postgres)."""
    made: list[str] = []

    def make() -> str:
        name = f"gates_{next(_names)}"
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {name} template {gates_template} owner postgres")
        made.append(name)
        return cluster.url(dbname=name)

    yield make
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        for name in made:
            conn.execute(f"drop database if exists {name} with (force)")
