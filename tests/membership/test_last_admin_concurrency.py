"""Issue 10, part 2: the last-admin rule holds under concurrency, with two real connections.

Org X has exactly two admins, A and B. In each case two transactions, on two connections, each take away
one admin at the same time: A demotes B while B demotes A, or both leave. Each statement alone is allowed
(the other admin is still there in its snapshot), so without serialization both commit and X is left with
no admin. The migration serializes admin changes per organization: the second transaction waits for the
first, then sees its commit and fails with OM001 (under read committed, what PostgREST uses) or with a
serialization failure (repeatable read). Either way exactly one succeeds and one admin is left.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import psycopg
import pytest
from psycopg import errors

ORG = "0000a11a-0000-4000-8000-00000000000a"
ADMIN_A = "0000a11a-0000-4000-8000-0000000000a1"
ADMIN_B = "0000a11a-0000-4000-8000-0000000000b1"

DEMOTE = "update public.organization_members set role = 'coordinator' where organization_id = %s and user_id = %s"
LEAVE = "delete from public.organization_members where organization_id = %s and user_id = %s"


def build_world(url: str) -> None:
    with psycopg.connect(url) as conn:
        for user_id in (ADMIN_A, ADMIN_B):
            conn.execute(
                "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, created_at, "
                "updated_at) values ('00000000-0000-0000-0000-000000000000', %s, 'authenticated', "
                "'authenticated', %s, '', now(), now())",
                [user_id, f"{user_id}@test.local"],
            )
        conn.execute("insert into public.organizations (id, name) values (%s, 'Concurrency org')", [ORG])
        conn.execute(
            "insert into public.organization_members (organization_id, user_id, role) values "
            "(%s, %s, 'admin'), (%s, %s, 'admin')",
            [ORG, ADMIN_A, ORG, ADMIN_B],
        )


def begin_as(conn: psycopg.Connection, user_id: str, isolation: str) -> None:
    """Open a transaction acting as ``user_id``, the way PostgREST starts a request."""
    conn.execute(f"begin isolation level {isolation}")  # type: ignore[arg-type]  # fixed strings from the params
    claims = json.dumps({"sub": user_id, "role": "authenticated", "aud": "authenticated"})
    conn.execute("select set_config('request.jwt.claims', %s, true)", [claims])
    conn.execute("select set_config('role', 'authenticated', true)")


def admins(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select user_id::text from public.organization_members where organization_id = %s and role = 'admin'",
            [ORG],
        ).fetchall()
    return [row[0] for row in rows]


def waiting_on_a_lock(url: str, pid: int) -> bool:
    with psycopg.connect(url) as conn:
        row = conn.execute("select wait_event_type from pg_stat_activity where pid = %s", [pid]).fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.parametrize("isolation", ["read committed", "repeatable read"])
@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param((DEMOTE, ADMIN_A, ADMIN_B), (DEMOTE, ADMIN_B, ADMIN_A), id="demote_each_other"),
        pytest.param((LEAVE, ADMIN_A, ADMIN_A), (LEAVE, ADMIN_B, ADMIN_B), id="both_leave"),
        pytest.param((LEAVE, ADMIN_A, ADMIN_B), (DEMOTE, ADMIN_B, ADMIN_A), id="remove_and_demote"),
    ],
)
def test_two_admins_cannot_both_remove_admin(
    migrated_db: Callable[[], str], isolation: str, first: tuple[str, str, str], second: tuple[str, str, str]
) -> None:
    url = migrated_db()
    build_world(url)
    sql_1, actor_1, target_1 = first
    sql_2, actor_2, target_2 = second
    outcome: dict[str, BaseException | None] = {}

    with psycopg.connect(url, autocommit=True) as one, psycopg.connect(url, autocommit=True) as two:
        begin_as(one, actor_1, isolation)
        begin_as(two, actor_2, isolation)
        # Both transactions have their snapshot before either change (repeatable read keeps it).
        one.execute("select count(*) from public.organization_members")
        two.execute("select count(*) from public.organization_members")

        assert one.execute(sql_1, [ORG, target_1]).rowcount == 1  # type: ignore[arg-type]

        def run_second() -> None:
            try:
                assert two.execute(sql_2, [ORG, target_2]).rowcount == 1  # type: ignore[arg-type]
                two.execute("commit")
                outcome["second"] = None
            except psycopg.Error as exc:
                two.execute("rollback")
                outcome["second"] = exc

        worker = threading.Thread(target=run_second)
        worker.start()
        # With the fix the second transaction waits for the first one's organization lock.
        deadline = time.monotonic() + 5
        while worker.is_alive() and not waiting_on_a_lock(url, two.info.backend_pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        blocked = worker.is_alive()
        one.execute("commit")
        worker.join(timeout=10)
        assert not worker.is_alive()

    failure = outcome["second"]
    assert failure is not None, f"both transactions committed: admins left = {admins(url)}"
    assert blocked, "the second transaction should have waited for the first"
    if isolation == "read committed":
        assert failure.sqlstate == "OM001", failure
        assert "at least one admin" in str(failure)
    else:
        assert isinstance(failure, (errors.SerializationFailure, errors.DeadlockDetected)) or (
            failure.sqlstate == "OM001"
        ), failure
    assert len(admins(url)) == 1


def test_deleting_the_organization_is_not_blocked(migrated_db: Callable[[], str]) -> None:
    """The cascade from organizations removes both admins in one statement; the rule lets it through."""
    url = migrated_db()
    build_world(url)
    with psycopg.connect(url) as conn:
        conn.execute("select set_config('role', 'service_role', true)")
        assert conn.execute("delete from public.organizations where id = %s", [ORG]).rowcount == 1
    assert admins(url) == []
