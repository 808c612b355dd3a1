"""The operator commands print values from the database escaped.

Organization names, providers, display names, problem texts and error messages
are written by organization admins (or quote what they wrote). Printed raw, an
admin of one organization could forge lines in an incident responder's
terminal, rewrite the line above, or set the terminal's title. Every such value
goes through ``printable``: one line of visible characters, reversible.
"""

from __future__ import annotations

import ast
import io
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import Callable

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from org_integrations.cli import common
from org_integrations.cli.common import printable
from org_integrations.cli.emergency_revoke import describe
from org_integrations.cli.repair_configs import OrganizationReport, Report, render
from support.hostile import drop_text_checks

HOSTILE = [
    "Acme\n[2/3] organization 00000000-0000-4000-8000-000000000000 'Acme': nothing to revoke",
    "\x1b]0;owned\x07title",  # OSC: set the terminal title
    "\x1b[2K\x1b[1Aerased",  # erase the line, cursor up
    "\rover",
    "bell\x07",
    "\u202eevil\u202c",  # right-to-left override
    "zero\u200bwidth\u2028separator",
    "back\\x1bslash",  # a literal backslash must not pass for an escape
    "\x9b31m",  # C1 CSI
]


def visible(text: str) -> bool:
    return all(char.isprintable() for char in text)


@pytest.mark.parametrize("value", HOSTILE)
def test_printable_leaves_one_visible_line(value: str):
    shown = printable(value)
    assert visible(shown), repr(shown)
    assert not {"\n", "\r", "\x1b"} & set(shown)


@given(st.text(max_size=200))
def test_printable_is_reversible(value: str):
    shown = printable(value, limit=200)
    assert visible(shown)
    # Python-style escapes: reading the text back as a string literal gives the value.
    assert ast.literal_eval('"' + shown.replace('"', '\\"') + '"') == value


def test_printable_cuts_long_values():
    shown = printable("x" * 10_000 + "\n")
    assert shown == "x" * common.MAX_VALUE_CHARS + f"…(+{10_001 - common.MAX_VALUE_CHARS} characters)"


@pytest.mark.parametrize("value", HOSTILE)
def test_emergency_revoke_lines_escape_provider_and_display_name(value: str):
    line = describe((uuid.uuid4(), value, value, "active", uuid.uuid4()))
    assert visible(line), repr(line)
    assert printable(value) in line


def test_repair_report_escapes_names_and_problems():
    report = Report(run_id=uuid.uuid4(), dry_run=True, total_rows=1, batches=1, affected=1)
    org_id = uuid.uuid4()
    report.organizations[org_id] = OrganizationReport(org_id, name=HOSTILE[0], integrations=1, field_mappings=1)
    report.problems = Counter({f'field_mappings $."{value}": unknown key': 1 for value in HOSTILE})
    out = io.StringIO()
    render(report, out)
    lines = out.getvalue().splitlines()
    assert all(visible(line) for line in lines), [line for line in lines if not visible(line)]
    assert sum(line.startswith(str(org_id)) for line in lines) == 1, "the name forged no second organization line"


# End to end: hostile values planted in the database reach the terminal escaped.

ORG = "0000c11e-0000-4000-8000-00000000000a"
INTEGRATION = "0000c11e-1000-4000-8000-0000000000a1"


def plant(url: str, name: str, provider: str, display_name: str) -> None:
    """As the table owner: the hostile row, with any check on these text columns dropped first.

    Input constraints may reject such values today; rows written before them, or
    through a future gap, must still print safely.
    """
    with psycopg.connect(url) as conn:
        drop_text_checks(conn, ("name", "provider", "display_name"))
        conn.execute("insert into public.organizations (id, name) values (%s, %s)", [ORG, name])
        conn.execute(
            "insert into public.organization_integrations (id, organization_id, provider, display_name) "
            "values (%s, %s, %s, %s)",
            [INTEGRATION, ORG, provider, display_name],
        )
        with conn.transaction():
            common.act_as(conn, "service_role")
            conn.execute("select public.store_credential(%s, 'sk_test_escaping')", [INTEGRATION])
        conn.commit()


def test_emergency_revoke_prints_planted_values_escaped(migrated_db: Callable[[], str]):
    url = migrated_db()
    plant(url, HOSTILE[1], HOSTILE[2], HOSTILE[0])
    proc = subprocess.run(
        [sys.executable, "-m", "org_integrations.cli", "emergency-revoke", "--db-url", url, "--all", "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not {"\x1b", "\x07"} & set(proc.stdout)
    lines = proc.stdout.splitlines()
    assert all(visible(line) for line in lines), lines
    assert [line for line in lines if line.startswith("[")] == [
        f"[1/1] organization {ORG} '{printable(HOSTILE[1])}': would revoke 1 credential(s)"
    ], "no forged organization line"
    assert any(printable(HOSTILE[2]) in line and printable(HOSTILE[0]) in line for line in lines)
