"""store_credential checks a secret's length before scanning its content (20261129100000).

Both checks raise 22023, so the order shows only in which of the function's
own messages comes back (our text, not PostgreSQL's, so it is not localised):
an over-long whitespace-only secret must be refused for its length, without
the whitespace regex running over the whole value first.
"""

from __future__ import annotations

import psycopg
import pytest

INTEGRATION = "0000c4c4-1000-4000-8000-0000000000a1"
TOO_LONG = "a credential must not exceed 65536 bytes"
BLANK = "a credential must not be null, empty or only whitespace"


@pytest.fixture
def url(migrated_db) -> str:
    url = migrated_db()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("insert into public.organizations (id, name) values ('0000c4c4-0000-4000-8000-00000000000a', 'A')")
        conn.execute(
            "insert into public.organization_integrations (id, organization_id, provider) "
            "values (%s, '0000c4c4-0000-4000-8000-00000000000a', 'crm')",
            [INTEGRATION],
        )
    return url


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        (" " * 65537, TOO_LONG),  # blank and too long: the length is checked first
        ("\t\n " * 30000, TOO_LONG),
        (" " * 65536, BLANK),  # within the limit: then the content
        (None, BLANK),
        ("x" * 65537, TOO_LONG),
    ],
    ids=["spaces-65537", "mixed-whitespace-90000", "spaces-65536", "null", "x-65537"],
)
def test_length_is_checked_before_content(url: str, secret: str | None, message: str) -> None:
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.InvalidParameterValue) as raised:
        conn.execute("select public.store_credential(%s, %s)", [INTEGRATION, secret])
    assert raised.value.diag.message_primary == message
