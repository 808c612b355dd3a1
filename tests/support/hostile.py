"""Planting values the input constraints reject, to prove that what reads them still copes."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql


def drop_text_checks(conn: psycopg.Connection[Any], columns: tuple[str, ...]) -> None:
    """As the table owner: drop every CHECK on organizations or organization_integrations that names one of ``columns``.

    Input constraints may reject hostile values today; rows written before them, or through a future gap,
    must still be handled safely. The caller commits, or rolls back to keep the constraints.
    """
    pattern = "\\m(" + "|".join(columns) + ")\\M"
    checks = conn.execute(
        "select c.conrelid::regclass::text, c.conname from pg_catalog.pg_constraint as c "
        "where c.contype = 'c' and c.conrelid = any(array['public.organizations'::regclass, "
        "'public.organization_integrations'::regclass]) "
        "and pg_catalog.pg_get_constraintdef(c.oid) ~ %s",
        [pattern],
    ).fetchall()
    for table, constraint in checks:
        # The table name comes from regclass, already quoted where it needs to be.
        conn.execute(sql.SQL("alter table {} drop constraint {}").format(sql.SQL(table), sql.Identifier(constraint)))
