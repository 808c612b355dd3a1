"""Breach runbook: `org-integrations lockdown`, `emergency-revoke --lockdown` and `pending-rotations` end to end.

A dry run changes nothing; setting is idempotent and lifting needs a reason;
--all is the one global lockdown; an unknown organization, a role other than
service_role and a missing migration stop the command before anything
changes. emergency-revoke --lockdown locks down before it revokes and revokes
nothing when the lockdown fails. pending-rotations lists what an incident's
revoke left without a credential until each gets a new one. Every value from
the database, and the reason and incident, reach the terminal escaped.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import psycopg
import pytest

from org_integrations import cli
from org_integrations.cli import common
from org_integrations.cli.common import printable
from org_integrations.identity import Identity
from support.hostile import drop_text_checks
from support.identity import act_as
from support.users import add_member, create_org, create_user

ORG_A = "0000100c-0000-4000-8000-00000000000a"
ORG_B = "0000100c-0000-4000-8000-00000000000b"
ADMIN_A = "0000100c-0000-4000-8000-0000000000a1"
UNKNOWN = "0000100c-0000-4000-8000-0000000000ff"
# integration id -> (organization, provider, display name)
INTEGRATIONS = {
    "0000100c-1000-4000-8000-0000000000a1": (ORG_A, "salesforce", "Sales EU"),
    "0000100c-1000-4000-8000-0000000000a2": (ORG_A, "hubspot", "Marketing"),
    "0000100c-1000-4000-8000-0000000000b1": (ORG_B, "zendesk", "Support"),
}
A1, A2, B1 = INTEGRATIONS
WATCHED = (
    "private.organization_lockdowns",
    "public.credential_audit",
    "public.organization_notifications",
    "public.organization_integrations",
    "vault.secrets",
)


def build(url: str) -> None:
    """Two organizations, an admin of A, and three active integrations with a credential each (as postgres)."""
    with psycopg.connect(url) as conn:
        create_user(conn, ADMIN_A)
        create_org(conn, ORG_A, "Lockdown org A")
        create_org(conn, ORG_B, "Lockdown org B")
        add_member(conn, ORG_A, ADMIN_A, "admin")
        for integration_id, (org_id, provider, display_name) in INTEGRATIONS.items():
            conn.execute(
                "insert into public.organization_integrations (id, organization_id, provider, display_name) "
                "values (%s, %s, %s, %s)",
                [integration_id, org_id, provider, display_name],
            )
        conn.commit()
        with conn.transaction():
            act_as(conn, Identity.service_role())
            for integration_id in INTEGRATIONS:
                conn.execute("select public.store_credential(%s, %s)", [integration_id, f"sk_test_{integration_id}"])
        conn.execute("update public.organization_integrations set status = 'active'")
        conn.commit()


@pytest.fixture
def url(migrated_db: Callable[..., str]) -> str:
    db = migrated_db()
    build(db)
    return db


def run(url: str, command: str, *args: str) -> tuple[int, str]:
    """The command in this process, as the console script runs it: (exit code, stdout + stderr)."""
    out, err = io.StringIO(), io.StringIO()
    code = cli.main([command, "--db-url", url, *args], out, err)
    return code, out.getvalue() + err.getvalue()


def lockdown(url: str, *args: str) -> tuple[int, str]:
    return run(url, "lockdown", *args)


def snapshot(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        return {
            table: sorted(row[0] for row in conn.execute(f"select t::text from {table} as t"))  # type: ignore[arg-type]
            for table in WATCHED
        }


def query(url: str, sql: str, *params: object) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, list(params)).fetchall()  # type: ignore[arg-type]


def active_lockdowns(url: str) -> list[tuple[object, ...]]:
    return query(
        url,
        "select organization_id::text, reason, incident from private.organization_lockdowns "
        "where lifted_at is null order by organization_id nulls first",
    )


def records(url: str, kind: str) -> list[tuple[object, ...]]:
    """('audit' or 'notification', organization, reason, incident) of one lockdown event: set or lift."""
    events = {
        "set": ("lockdown_set", "organization_locked_down"),
        "lift": ("lockdown_lifted", "organization_lockdown_lifted"),
    }
    audit, notification = events[kind]
    return query(
        url,
        "select 'audit', organization_id::text, details ->> 'reason', details ->> 'incident' "
        "from public.credential_audit where action_name = %s "
        "union all select 'notification', organization_id::text, details ->> 'reason', details ->> 'incident' "
        "from public.organization_notifications where kind = %s order by 1, 2",
        audit,
        notification,
    )


def visible(text: str) -> bool:
    return all(line.isprintable() for line in text.splitlines())


# Setting and lifting ------------------------------------------------------------------------------------


def test_dry_run_reports_and_changes_nothing(url: str) -> None:
    before = snapshot(url)
    code, out = lockdown(url, "--organization", ORG_A, "--organization", ORG_B, "--reason", "R", "--dry-run")
    assert code == common.OK, out
    assert "2 scope(s), DRY RUN, nothing will change" in out
    assert f"lockdown [1/2] organization {ORG_A} 'Lockdown org A': would lock down" in out
    assert f"lockdown [2/2] organization {ORG_B} 'Lockdown org B': would lock down" in out
    assert "lockdown summary: 2 would be set, 0 already active, 0 failed; dry run, nothing changed" in out
    assert snapshot(url) == before

    # The database's own answer: an active lockdown is reported as such.
    assert lockdown(url, "--organization", ORG_A, "--reason", "R")[0] == common.OK
    before = snapshot(url)
    code, out = lockdown(url, "--organization", ORG_A, "--organization", ORG_B, "--reason", "R", "--dry-run")
    assert code == common.OK, out
    assert f"organization {ORG_A} 'Lockdown org A': already locked down since " in out
    assert "lockdown summary: 1 would be set, 1 already active, 0 failed; dry run, nothing changed" in out
    assert snapshot(url) == before
    code, out = lockdown(url, "--lift", "--organization", ORG_A, "--reason", "fixed", "--dry-run")
    assert code == common.OK, out
    assert f"organization {ORG_A} 'Lockdown org A': would lift (lockdown " in out
    assert snapshot(url) == before


def test_set_then_rerun_writes_nothing_more(url: str) -> None:
    code, out = lockdown(url, "--organization", ORG_A, "--reason", "Leaked API key", "--incident", "INC-1")
    assert code == common.OK, out
    assert "lockdown: incident 'INC-1', reason 'Leaked API key': 1 scope(s), locking down" in out
    assert f"lockdown [1/1] organization {ORG_A} 'Lockdown org A': locked down (lockdown " in out
    assert "), admins notified" in out
    assert "lockdown summary: 1 set, 0 already active, 0 failed" in out
    assert active_lockdowns(url) == [(ORG_A, "Leaked API key", "INC-1")]
    assert records(url, "set") == [
        ("audit", ORG_A, "Leaked API key", "INC-1"),
        ("notification", ORG_A, "Leaked API key", "INC-1"),
    ]

    after_first = snapshot(url)
    code, out = lockdown(url, "--organization", ORG_A, "--reason", "again", "--incident", "INC-2")
    assert code == common.OK, out
    assert "already locked down since " in out
    assert "nothing written" in out
    assert "lockdown summary: 0 set, 1 already active, 0 failed" in out
    assert snapshot(url) == after_first


def test_default_incident_is_a_timestamp(url: str) -> None:
    code, out = lockdown(url, "--organization", ORG_A, "--reason", "R")
    assert code == common.OK, out
    ((_, _, incident),) = active_lockdowns(url)
    assert str(incident).startswith("lockdown-20")
    assert f"incident '{incident}'" in out


def test_lift_with_reason(url: str) -> None:
    assert (
        lockdown(url, "--organization", ORG_A, "--organization", ORG_B, "--reason", "R", "--incident", "INC-3")[0] == 0
    )
    code, out = lockdown(url, "--lift", "--organization", ORG_A, "--reason", "Policy fixed by migration")
    assert code == common.OK, out
    assert "lockdown lift: reason 'Policy fixed by migration': 1 scope(s), lifting" in out
    assert f"lockdown [1/1] organization {ORG_A} 'Lockdown org A': lifted (lockdown " in out
    assert "lockdown summary: 1 lifted, 0 not active, 0 failed" in out
    assert active_lockdowns(url) == [(ORG_B, "R", "INC-3")]
    assert query(
        url, "select lift_reason, lifted_by_role from private.organization_lockdowns where organization_id = %s", ORG_A
    ) == [("Policy fixed by migration", "service_role")]
    assert records(url, "lift") == [
        ("audit", ORG_A, "Policy fixed by migration", "INC-3"),
        ("notification", ORG_A, "Policy fixed by migration", "INC-3"),
    ]

    after = snapshot(url)
    code, out = lockdown(url, "--lift", "--organization", ORG_A, "--reason", "again")
    assert code == common.OK, out
    assert f"organization {ORG_A} 'Lockdown org A': not locked down, nothing to lift" in out
    assert "lockdown summary: 0 lifted, 1 not active, 0 failed" in out
    assert snapshot(url) == after


def test_all_is_the_one_global_lockdown(url: str) -> None:
    assert lockdown(url, "--organization", ORG_B, "--reason", "B first", "--incident", "INC-4")[0] == 0
    code, out = lockdown(url, "--all", "--reason", "Everything", "--incident", "INC-4")
    assert code == common.OK, out
    assert "lockdown [1/1] global lockdown (every organization): locked down (lockdown " in out
    assert "admins of every organization notified" in out
    assert active_lockdowns(url) == [(None, "Everything", "INC-4"), (ORG_B, "B first", "INC-4")]
    # One audit row and one notification per organization the global lockdown covers.
    assert [row[:2] for row in records(url, "set") if row[2] == "Everything"] == [
        ("audit", ORG_A),
        ("audit", ORG_B),
        ("notification", ORG_A),
        ("notification", ORG_B),
    ]

    code, out = lockdown(url, "--status")
    assert code == common.OK, out
    lines = out.splitlines()
    assert lines[0] == "lockdown status: 2 active lockdown(s)"
    assert lines[1].startswith("  global lockdown (every organization): since ")
    assert "set by service_role, incident 'INC-4', reason 'Everything'" in lines[1]
    assert lines[2].startswith(f"  organization {ORG_B} 'Lockdown org B': since ")

    code, out = lockdown(url, "--lift", "--all", "--reason", "Leak closed")
    assert code == common.OK, out
    assert "lockdown [1/1] global lockdown (every organization): lifted (lockdown " in out
    assert "lockdown: 1 organization lockdown(s) stay in place" in out
    assert active_lockdowns(url) == [(ORG_B, "B first", "INC-4")]


def test_status_without_lockdowns(url: str) -> None:
    assert lockdown(url, "--status") == (common.OK, "lockdown status: no active lockdown\n")


# Refusals: nothing changes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--organization", UNKNOWN, "--reason", "R"],
        ["--organization", ORG_A, "--organization", UNKNOWN, "--reason", "R"],
        ["--organization", UNKNOWN, "--reason", "R", "--dry-run"],
        ["--lift", "--organization", UNKNOWN, "--reason", "R"],
    ],
)
def test_unknown_organization_changes_nothing(url: str, args: list[str]) -> None:
    before = snapshot(url)
    code, out = lockdown(url, *args)
    assert code == common.NOT_STARTED, out
    assert f"error: unknown organization(s): {UNKNOWN}; nothing changed" in out
    assert snapshot(url) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organization", ORG_A], "--reason is required"),
        (["--lift", "--all"], "--reason is required"),
        (["--reason", "R"], "one of --organization or --all is required"),
        (["--lift", "--all", "--reason", "R", "--incident", "INC-1"], "--lift takes only --reason"),
        (["--status", "--all"], "--status takes none of --all"),
        (["--lift", "--status"], "not allowed with argument"),
        (["--organization", ORG_A, "--all", "--reason", "R"], "not allowed with argument"),
    ],
)
def test_usage_errors(url: str, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(url)
    with pytest.raises(SystemExit) as exited:
        lockdown(url, *args)
    assert exited.value.code == common.NOT_STARTED
    stderr = capsys.readouterr().err
    assert "usage: org-integrations lockdown" in stderr
    assert message in stderr
    assert snapshot(url) == before


@pytest.mark.parametrize(
    "args",
    [
        ["--organization", ORG_A, "--reason", "R"],
        ["--all", "--reason", "R"],
        ["--lift", "--all", "--reason", "R"],
        ["--status"],
    ],
)
def test_a_role_other_than_service_role_is_refused(url: str, args: list[str]) -> None:
    """The switch to authenticated works; the database refuses it (42501) in the try, so nothing changed: 2."""
    assert lockdown(url, "--organization", ORG_B, "--reason", "R")[0] == 0
    before = snapshot(url)
    code, out = lockdown(url, "--role", "authenticated", *args)
    assert code == common.NOT_STARTED, out
    assert "42501" in out
    assert out.startswith("error: ")
    assert snapshot(url) == before


def test_a_reason_the_database_rejects_changes_nothing(url: str) -> None:
    before = snapshot(url)
    code, out = lockdown(url, "--organization", ORG_A, "--reason", "line one\nline two\x1b[2K")
    assert code == common.NOT_STARTED, out
    assert f"error: organization {ORG_A} 'Lockdown org A': 22023 reason must not contain control characters" in out
    assert visible(out), out
    assert snapshot(url) == before


def test_a_database_without_the_migration_is_refused(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop function public.set_organization_lockdown(uuid, text, text)")
    before = snapshot(url)
    for command, args in (
        ("lockdown", ["--all", "--reason", "R"]),
        ("lockdown", ["--status"]),
        ("emergency-revoke", ["--all", "--lockdown", "--incident", "INC-5"]),
    ):
        code, out = run(url, command, *args)
        assert code == common.NOT_STARTED, out
        assert "public.set_organization_lockdown is missing: apply migration 20261207100200 first" in out
    assert snapshot(url) == before


# emergency-revoke --lockdown ---------------------------------------------------------------------------


def test_emergency_revoke_locks_down_then_revokes(url: str) -> None:
    code, out = run(url, "emergency-revoke", "--organization", ORG_A, "--lockdown", "--incident", "INC-6")
    assert code == common.OK, out
    lines = out.splitlines()
    assert lines[0] == (
        "lockdown: incident 'INC-6', reason 'emergency revoke, incident INC-6': 1 scope(s), locking down"
    )
    assert lines[1].startswith(f"lockdown [1/1] organization {ORG_A} 'Lockdown org A': locked down (lockdown ")
    assert lines[2] == "lockdown summary: 1 set, 0 already active, 0 failed"
    assert lines[3] == "emergency_revoke: incident 'INC-6': 1 organization(s), revoking"
    assert f"[1/1] organization {ORG_A} 'Lockdown org A': revoked 2 credential(s), admins notified" in out
    assert active_lockdowns(url) == [(ORG_A, "emergency revoke, incident INC-6", "INC-6")]
    assert query(url, "select count(*) from public.organization_integrations where vault_secret_id is null") == [(2,)]

    with psycopg.connect(url) as conn, conn.transaction():
        act_as(conn, Identity.user(ADMIN_A))
        # The admin sees nothing of the organization, and its credential functions refuse them ...
        assert conn.execute("select count(*) from public.organization_integrations").fetchone() == (0,)
        assert conn.execute("select count(*) from public.organizations").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
            conn.execute("select public.store_credential(%s, 'new-secret-value-123')", [A1])
        # ... but reads its notifications: why it is locked down, and what to rotate.
        kinds = {row[0] for row in conn.execute("select kind from public.organization_notifications")}
        assert kinds == {"organization_locked_down", "credentials_revoked"}

    # Rerun: the lockdown stays as it is, nothing is left to revoke, nothing is written.
    before = snapshot(url)
    code, out = run(url, "emergency-revoke", "--organization", ORG_A, "--lockdown", "--incident", "INC-6")
    assert code == common.OK, out
    assert "already locked down since" in out
    assert ": nothing to revoke" in out
    assert snapshot(url) == before


def test_emergency_revoke_lockdown_dry_run_changes_nothing(url: str) -> None:
    before = snapshot(url)
    code, out = run(url, "emergency-revoke", "--organization", ORG_A, "--lockdown", "--reason", "Key leak", "--dry-run")
    assert code == common.OK, out
    assert f"lockdown [1/1] organization {ORG_A} 'Lockdown org A': would lock down" in out
    assert "would revoke 2 credential(s)" in out
    assert snapshot(url) == before


def test_emergency_revoke_all_sets_the_global_lockdown(url: str) -> None:
    code, out = run(url, "emergency-revoke", "--all", "--lockdown", "--reason", "Leaked service key")
    assert code == common.OK, out
    assert "lockdown [1/1] global lockdown (every organization): locked down" in out
    assert "summary: 3 credential(s) revoked in 2 organization(s)" in out
    assert [(row[0], row[1]) for row in active_lockdowns(url)] == [(None, "Leaked service key")]


def test_reason_needs_lockdown(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(url, "emergency-revoke", "--all", "--reason", "R")
    assert exited.value.code == common.NOT_STARTED
    assert "--reason is the lockdown's reason: it needs --lockdown" in capsys.readouterr().err


SABOTAGE = """
-- Deliberately bad: the first call of set_organization_lockdown (the tool's try) works, every later one fails.
create sequence private.sabotage_lockdown_calls;
alter function private.set_organization_lockdown(uuid, text, text) rename to set_organization_lockdown_real;
create function private.set_organization_lockdown(p_organization_id uuid, p_reason text, p_incident text)
returns table (lockdown_id uuid, organization_id uuid, set_at timestamptz, already_active boolean)
language plpgsql
security definer
set search_path = ''
as $$
begin
    if pg_catalog.nextval('private.sabotage_lockdown_calls') > 1 then
        raise exception 'sabotaged lockdown' using errcode = 'P0001';
    end if;
    return query select * from private.set_organization_lockdown_real(p_organization_id, p_reason, p_incident);
end;
$$;
grant execute on function private.set_organization_lockdown(uuid, text, text) to service_role;
"""


def test_emergency_revoke_revokes_nothing_when_the_lockdown_fails(migrated_db: Callable[..., str]) -> None:
    url = migrated_db({"29990101000000_sabotaged_lockdown.sql": SABOTAGE})
    build(url)
    before = snapshot(url)
    code, out = run(url, "emergency-revoke", "--organization", ORG_A, "--lockdown", "--incident", "INC-7")
    assert code == common.INCOMPLETE, out
    assert f"lockdown [1/1] organization {ORG_A} 'Lockdown org A': FAILED (P0001 sabotaged lockdown)" in out
    assert "emergency_revoke: NOT REVOKED, the lockdown failed" in out
    assert "revoking" not in out
    assert "summary: 0 credential(s) revoked in 0 organization(s); 0 had nothing to revoke; 1 failed" in out
    assert snapshot(url) == before


# pending-rotations -----------------------------------------------------------------------------------------


def test_pending_rotations_until_every_credential_is_replaced(url: str) -> None:
    code, out = run(url, "pending-rotations", "--incident", "INC-8")
    assert (code, out) == (
        common.OK,
        "pending rotations: incident 'INC-8': none; every revoked integration has a new credential or was deleted\n",
    )
    assert run(url, "emergency-revoke", "--organization", ORG_A, "--lockdown", "--incident", "INC-8")[0] == 0
    before = snapshot(url)
    code, out = run(url, "pending-rotations", "--incident", "INC-8")
    assert code == common.INCOMPLETE, out
    lines = out.splitlines()
    assert lines[0] == "pending rotations: incident 'INC-8': 2 integration(s) still without a credential"
    assert lines[1].startswith(f"  organization {ORG_A} 'Lockdown org A': integration {A1} salesforce \"Sales EU\", ")
    assert lines[2].startswith(f"  organization {ORG_A} 'Lockdown org A': integration {A2} hubspot \"Marketing\", ")
    assert all(" revoked at 20" in line and line.endswith(" UTC") for line in lines[1:3])
    assert lines[3].startswith("summary: 2 integration(s) in 1 organization(s) still wait for a new credential")
    assert snapshot(url) == before, "the check writes nothing"

    with psycopg.connect(url) as conn:
        conn.execute("select public.store_credential(%s, 'new-secret-value-123')", [A1])
    code, out = run(url, "pending-rotations", "--incident", "INC-8")
    assert code == common.INCOMPLETE, out
    assert A2 in out
    assert A1 not in out
    with psycopg.connect(url) as conn:
        conn.execute("select public.store_credential(%s, 'new-secret-value-456')", [A2])
    code, out = run(url, "pending-rotations", "--incident", "INC-8")
    assert code == common.OK, out
    assert "none; every revoked integration has a new credential" in out


def test_pending_rotations_refusals(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(url, "pending-rotations", "--incident", "INC-9", "--role", "authenticated")
    assert code == common.NOT_STARTED, out
    assert "error: cannot list pending rotations: 42501" in out
    code, out = run(url, "pending-rotations", "--incident", "INC\x07")
    assert code == common.NOT_STARTED, out
    assert "22023 incident must not contain control characters" in out
    with pytest.raises(SystemExit) as exited:
        run(url, "pending-rotations")
    assert exited.value.code == common.NOT_STARTED
    assert "the following arguments are required: --incident" in capsys.readouterr().err
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("drop function public.credential_rotations_pending(text)")
    code, out = run(url, "pending-rotations", "--incident", "INC-9")
    assert code == common.NOT_STARTED, out
    assert "apply migration 20261207100500 first" in out


# Escaping -----------------------------------------------------------------------------------------------

HOSTILE_NAME = "Acme\nlockdown [2/2] organization 00000000-0000-4000-8000-000000000000 'X': lifted\x1b]0;owned\x07"
HOSTILE_DISPLAY_NAME = "Sales\r\x1b[2K\u202eevil\u202c"
# What the database accepts in a reason or incident: no control characters or bidi overrides, but
# bidi marks, zero-width and soft-hyphen format characters, and backslashes that look like escapes.
HOSTILE_REASON = "Leak\u200f closed\u200b\\n[1/1] forged\u00ad"
HOSTILE_INCIDENT = "INC-\u200e42\\x1b[2K"


def plant(url: str) -> None:
    """A hostile organization name and display name, with any check on those columns dropped first (as postgres)."""
    with psycopg.connect(url) as conn:
        drop_text_checks(conn, ("name", "display_name"))
        conn.execute("update public.organizations set name = %s where id = %s", [HOSTILE_NAME, ORG_A])
        conn.execute(
            "update public.organization_integrations set display_name = %s where id = %s", [HOSTILE_DISPLAY_NAME, A1]
        )
        conn.commit()


def test_hostile_values_are_printed_escaped(url: str) -> None:
    plant(url)
    reason, incident = printable(HOSTILE_REASON), printable(HOSTILE_INCIDENT)
    name = printable(HOSTILE_NAME)
    outputs = []
    for command, args in (
        (
            "lockdown",
            ["--organization", ORG_A, "--reason", HOSTILE_REASON, "--incident", HOSTILE_INCIDENT, "--dry-run"],
        ),
        (
            "emergency-revoke",
            ["--organization", ORG_A, "--lockdown", "--reason", HOSTILE_REASON, "--incident", HOSTILE_INCIDENT],
        ),
        ("lockdown", ["--organization", ORG_A, "--reason", HOSTILE_REASON, "--incident", HOSTILE_INCIDENT]),
        ("lockdown", ["--status"]),
        ("pending-rotations", ["--incident", HOSTILE_INCIDENT]),
        ("lockdown", ["--lift", "--organization", ORG_A, "--reason", HOSTILE_REASON]),
    ):
        code, out = run(url, command, *args)
        assert code in (common.OK, common.INCOMPLETE), out
        outputs.append(out)
        assert visible(out), out
        assert not {"\x1b", "\x07", "\r", "\u200f", "\u200b", "\u200e", "\u202e"} & set(out)
        lines = out.splitlines()
        assert not [line for line in lines if line.startswith(("lockdown [2/2]", "[1/1] forged"))], "no forged line"
    dry, revoke, rerun, status, pending, lift = outputs
    assert f"lockdown: incident '{incident}', reason '{reason}': 1 scope(s), DRY RUN" in dry
    assert f"organization {ORG_A} '{name}': would lock down" in dry
    assert f"organization {ORG_A} '{name}': locked down (lockdown " in revoke
    assert f"organization {ORG_A} '{name}': already locked down since " in rerun
    assert f"incident '{incident}', reason '{reason}'" in status
    assert f'salesforce "{printable(HOSTILE_DISPLAY_NAME)}"' in pending
    assert f"lockdown lift: reason '{reason}'" in lift
    # What the admins read is the text as given.
    assert active_lockdowns(url) == []
    assert {row[2:] for row in records(url, "set")} == {(HOSTILE_REASON, HOSTILE_INCIDENT)}
