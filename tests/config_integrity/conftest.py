"""The integration-configuration tests use the shared fixtures of tests/conftest.py (``db_url``,
``migrated_db``, ``platform_db``); ``fresh_db`` stays as a thin alias for tests written against it."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def fresh_db(migrated_db: Callable[..., str], platform_db: Callable[[], str]) -> Callable[..., str]:
    """Alias: ``fresh_db()`` is ``migrated_db()``, ``fresh_db(migrated=False)`` is ``platform_db()``."""
    return lambda migrated=True: migrated_db() if migrated else platform_db()
