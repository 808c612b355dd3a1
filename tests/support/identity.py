"""Acting as an API caller in a test connection, with the package's own ``Identity``."""

from __future__ import annotations

from typing import Any

import psycopg

from org_integrations.identity import Identity


def act_as(conn: psycopg.Connection[Any], identity: Identity) -> None:
    """Until the end of the current transaction (or a rolled-back savepoint), act as ``identity``.

    ``Identity.apply`` sets ``request.jwt.claims`` and ``role`` transaction-locally, as PostgREST does at
    the start of a request. ``conn`` must not be in autocommit mode, or the settings vanish at once.
    """
    with conn.cursor() as cur:
        identity.apply(cur)
