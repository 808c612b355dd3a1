"""The credential-column guard: the vault_secret_id migrations refuse to apply while
organization_integrations holds a credential-like column, and name every offender."""

from __future__ import annotations

import psycopg
import pytest
from vault_db import GROUP_FIRST, migrate_up

from harness.reset import SqlFailure
from support.migrations import migrate

GUARD = "20261127300200"


def test_guard_names_every_credential_like_column(platform_db) -> None:
    url = platform_db()
    migrate(url, upto=GROUP_FIRST)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "alter table public.organization_integrations "
            "add column api_token text, add column client_secret bytea, add column password_hash text, "
            "add column private_key text, add column notes text"
        )
    with pytest.raises(SqlFailure) as failure:
        migrate_up(url, upto=GUARD)
    assert failure.value.sqlstate == "55000"
    assert failure.value.path.name.startswith(GUARD)
    named = failure.value.message.split(": ", 1)[1].split(" (", 1)[0]
    assert named.split(", ") == ["api_token", "client_secret", "password_hash", "private_key"]
    with psycopg.connect(url) as conn:
        recorded = conn.execute(
            "select count(*) from supabase_migrations.schema_migrations where version = %s", [GUARD]
        ).fetchone()
        assert recorded == (0,), "the failed migration is not recorded"


def test_guard_accepts_the_vault_reference(platform_db) -> None:
    url = platform_db()
    migrate(url, upto=GROUP_FIRST)
    assert migrate_up(url, upto=GUARD) == [GUARD]
