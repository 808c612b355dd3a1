"""The repository's projection is exactly Integration's fields, every one of them readable by authenticated, and
vault_secret_id is none of them (authenticated may not read it, so it can never be in a client's column list).
"""

from __future__ import annotations

import psycopg

from org_integrations import repository
from org_integrations.models import Integration


def test_projection_matches_the_model() -> None:
    assert tuple(Integration.model_fields) == repository._FIELDS
    assert "vault_secret_id" not in repository._FIELDS


def test_authenticated_may_read_every_projected_column_and_not_the_vault_reference(db_url: str) -> None:
    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "select a.attname::text, "
            "pg_catalog.has_column_privilege('authenticated', a.attrelid, a.attname, 'select') "
            "from pg_catalog.pg_attribute as a "
            "where a.attrelid = 'public.organization_integrations'::regclass and a.attnum > 0 and not a.attisdropped"
        ).fetchall()
    readable = {name for name, allowed in rows if allowed}
    assert set(repository._FIELDS) <= readable
    assert "vault_secret_id" not in readable
    # Every column authenticated may read is in the model: a new column must be added to both.
    assert readable == set(repository._FIELDS)
