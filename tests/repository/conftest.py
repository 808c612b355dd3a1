"""Fixtures for the repository tests: a migrated database per test, a small world, and actors.

Each test gets a fresh database, ``db_url`` (tests/conftest.py),
with every migration applied and no seed, the world of ``repo_world.py``
built as ``postgres``, and a connection pool logged in as ``postgres``, which
is what the repository switches from, as PostgREST switches from
``authenticator``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from psycopg_pool import ConnectionPool
from repo_world import World, build_world, identity_of

from org_integrations.repository import OrganizationIntegrationRepository, create_pool


@pytest.fixture
def world(db_url: str) -> World:
    return build_world(db_url)


@pytest.fixture
def pool(db_url: str) -> Iterator[ConnectionPool[Any]]:
    with create_pool(db_url, min_size=1, max_size=2) as opened:
        yield opened


@pytest.fixture
def repo(pool: ConnectionPool[Any], world: World) -> Callable[[str], OrganizationIntegrationRepository]:
    """Factory: the repository acting as one of ACTORS."""

    def make(actor: str) -> OrganizationIntegrationRepository:
        return OrganizationIntegrationRepository(pool, identity_of(actor))

    return make


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every logger, at DEBUG, captured."""
    caplog.set_level(logging.DEBUG)
    for name in ("psycopg", "psycopg.pool", "org_integrations"):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog
