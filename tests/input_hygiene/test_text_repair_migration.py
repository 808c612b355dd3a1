"""Issue 10, part 3: upgrading a database whose text columns hold values the new constraints refuse.

Rows written under the old checks (trimmed length only, any character) are repaired by
20261129130200 before it validates the constraints added NOT VALID by 20261129130100: surrounding
spaces trimmed, each control, line-separator or bidi character replaced by U+FFFD, the old value kept
in private.text_hygiene_repairs. No row is deleted and valid rows are untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg

from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[2]
BEFORE = "20261129130000"  # the last migration before the text constraints
ORG_BAD = "000000e1-0000-4000-8000-00000000000a"
ORG_GOOD = "000000e1-0000-4000-8000-00000000000b"
PADDED_NAME = " " * 1_000_000 + "Acme" + " " * 1_000_000
BIDI_NAME = "Invoice\u202egpj.exe"
GOOD_NAME = "  Globex Freight  "  # surrounding spaces within 200 characters: valid, left alone
# id, organization, provider, display_name
INTEGRATIONS = [
    ("000000e1-1000-4000-8000-0000000000a1", ORG_BAD, "crm\nFAKE: revoked", "Sales\x1b]0;pwned\x07"),
    ("000000e1-1000-4000-8000-0000000000a2", ORG_BAD, " " * 150 + "erp", "ok"),
    ("000000e1-1000-4000-8000-0000000000b1", ORG_GOOD, "hubspot", "  Marketing  "),
]


def test_upgrade_repairs_bad_text_then_validates(platform_db: Callable[[], str]) -> None:
    url = platform_db()
    applied = apply_builtin(url, ROOT, upto=BEFORE, seed=False)
    assert applied[-1].name.startswith(BEFORE)
    with psycopg.connect(url) as conn:
        conn.execute(
            "insert into public.organizations (id, name) values (%s, %s), (%s, %s), (%s, %s)",
            [ORG_BAD, PADDED_NAME, ORG_GOOD, GOOD_NAME, "000000e1-0000-4000-8000-00000000000c", BIDI_NAME],
        )
        for integration_id, org, provider, display_name in INTEGRATIONS:
            conn.execute(
                "insert into public.organization_integrations (id, organization_id, provider, display_name) "
                "values (%s, %s, %s, %s)",
                [integration_id, org, provider, display_name],
            )
        good_stamp = conn.execute("select updated_at from public.organizations where id = %s", [ORG_GOOD]).fetchone()

    apply_builtin(url, ROOT, seed=False)

    with psycopg.connect(url) as conn:
        names = dict(conn.execute("select id::text, name from public.organizations").fetchall())
        integrations = {
            row[0]: row[1:]
            for row in conn.execute("select id::text, provider, display_name from public.organization_integrations")
        }
        kept = {
            (row[0], row[1], row[2]): row[3]
            for row in conn.execute(
                "select table_name, row_id::text, column_name, value_before from private.text_hygiene_repairs"
            )
        }
        unvalidated = conn.execute(
            "select conname from pg_constraint where not convalidated and conrelid in "
            "('public.organizations'::regclass, 'public.organization_integrations'::regclass)"
        ).fetchall()
        stamp = conn.execute("select updated_at from public.organizations where id = %s", [ORG_GOOD]).fetchone()

    assert len(names) == 3, "a row was deleted"
    assert len(integrations) == len(INTEGRATIONS), "a row was deleted"
    assert names[ORG_BAD] == "Acme"
    assert names["000000e1-0000-4000-8000-00000000000c"] == "Invoice\ufffdgpj.exe"
    assert names[ORG_GOOD] == GOOD_NAME
    assert stamp == good_stamp, "a valid row was touched"
    assert integrations["000000e1-1000-4000-8000-0000000000a1"] == (
        "crm\ufffdFAKE: revoked",
        "Sales\ufffd]0;pwned\ufffd",
    )
    assert integrations["000000e1-1000-4000-8000-0000000000a2"] == ("erp", "ok")
    assert integrations["000000e1-1000-4000-8000-0000000000b1"] == ("hubspot", "  Marketing  ")
    assert kept == {
        ("public.organizations", ORG_BAD, "name"): PADDED_NAME,
        ("public.organizations", "000000e1-0000-4000-8000-00000000000c", "name"): BIDI_NAME,
        ("public.organization_integrations", "000000e1-1000-4000-8000-0000000000a1", "provider"): "crm\nFAKE: revoked",
        ("public.organization_integrations", "000000e1-1000-4000-8000-0000000000a1", "display_name"): (
            "Sales\x1b]0;pwned\x07"
        ),
        ("public.organization_integrations", "000000e1-1000-4000-8000-0000000000a2", "provider"): " " * 150 + "erp",
    }
    assert unvalidated == []
