"""The lockdown takes effect in other sessions, on plans they already cached, at their next statement.

The restrictive policies fold private.locked_organization_ids() into each plan
as a constant (20261207100200/100300). These tests hold a PostgREST-like session
whose statements are prepared and already on their generic plan, set a
lockdown from another session, and check that the first session's very next
request sees the new answer: for the tables (prepared statements) and for a
plpgsql function (credential_status, whose plans plpgsql caches). They also
prove that concurrent writers both end up compiled and that a rolled-back
lockdown leaves nothing behind. pgTAP (39_lockdown_matrix) proves the rest in
one session; only here do two sessions meet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
import pytest
from gates_world import ACTORS, ORG_A, ORG_B, World, build_world

from support.identity import act_as

INTEGRATION_A1 = "00000606-1000-4000-8000-0000000000a1"
# Prepared as PostgREST prepares every statement; executed more than five times so the generic plan is cached.
STATEMENTS = {
    "integrations": "select pg_catalog.count(*) from public.organization_integrations",
    "organizations": "select pg_catalog.count(*) from public.organizations",
    "notifications": "select pg_catalog.count(*) from public.organization_notifications",
}


@pytest.fixture
def world_db(migrated_db: Callable[..., str]) -> tuple[str, World]:
    url = migrated_db()
    return url, build_world(url)


@contextmanager
def api_session(url: str, actor: str) -> Iterator[Callable[[], dict[str, object]]]:
    """One pooled connection serving ``actor``'s requests; each call is one request (one transaction)."""
    with psycopg.connect(url) as conn:
        # psycopg's own automatic preparing answers a ROLLBACK with DEALLOCATE ALL, which would drop ours.
        conn.prepare_threshold = None
        for name, sql in STATEMENTS.items():
            conn.execute(f"prepare {name} as {sql}")  # constant statements
        conn.commit()

        def request() -> dict[str, object]:
            answers: dict[str, object] = {}
            with conn.transaction():
                act_as(conn, ACTORS[actor])
                for name in STATEMENTS:
                    answers[name] = conn.execute(f"execute {name}").fetchone()[0]  # type: ignore[index]
            try:
                with conn.transaction():
                    act_as(conn, ACTORS[actor])
                    answers["credential_status"] = conn.execute(
                        "select public.credential_status(%s)", [INTEGRATION_A1]
                    ).fetchone()[0]  # type: ignore[index]
            except psycopg.errors.InsufficientPrivilege:
                answers["credential_status"] = "42501"
            return answers

        for _ in range(7):
            request()
        yield request


def responder(url: str, sql: str, params: list[object]) -> None:
    """One committed call as service_role, from its own session."""
    with psycopg.connect(url) as conn, conn.transaction():
        act_as(conn, ACTORS["service_role"])
        conn.execute(sql, params)


def set_lockdown(url: str, organization: str | None) -> None:
    responder(url, "select public.set_organization_lockdown(%s, 'session test', 'INC-SESSIONS')", [organization])


def lift_lockdown(url: str, organization: str | None) -> None:
    responder(url, "select public.lift_organization_lockdown(%s, 'session test over')", [organization])


def test_a_lockdown_reaches_cached_plans_of_another_session(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    with api_session(url, "admin_a") as request:
        before = request()
        assert before["integrations"] == 4
        assert before["organizations"] == 1
        assert before["credential_status"] is True

        set_lockdown(url, ORG_A)
        during = request()
        assert during["integrations"] == 0
        assert during["organizations"] == 0
        assert during["credential_status"] == "42501"
        # The exception: admins still read their organization's notifications, now one more.
        assert during["notifications"] == int(before["notifications"]) + 1  # type: ignore[call-overload]

        lift_lockdown(url, ORG_A)
        after = request()
        assert after["integrations"] == before["integrations"]
        assert after["organizations"] == before["organizations"]
        assert after["credential_status"] is True


def test_a_global_lockdown_reaches_every_organization(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    with api_session(url, "admin_a") as admin_a, api_session(url, "admin_b") as admin_b:
        before_a, before_b = admin_a(), admin_b()
        assert before_b["integrations"] == 2

        set_lockdown(url, None)
        assert admin_a()["integrations"] == 0
        assert admin_b()["integrations"] == 0
        assert admin_b()["organizations"] == 0

        lift_lockdown(url, None)
        assert admin_a()["integrations"] == before_a["integrations"]
        assert admin_b()["integrations"] == before_b["integrations"]


def test_a_lockdown_of_one_organization_leaves_the_other_alone(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    with api_session(url, "admin_b") as admin_b:
        before = admin_b()
        set_lockdown(url, ORG_A)
        assert admin_b() == before


def locked_ids_in(conn: psycopg.Connection) -> set[str | None]:
    """The organizations locked down as this connection sees them (None: the global lockdown)."""
    row = conn.execute("select private.locked_organization_ids()::text[]").fetchone()
    return set(row[0]) if row else set()  # type: ignore[index]


def locked_ids(url: str) -> set[str | None]:
    with psycopg.connect(url) as conn:
        return locked_ids_in(conn)


def test_concurrent_lockdowns_are_both_compiled(world_db: tuple[str, World]) -> None:
    """The second writer waits for the first, then compiles both; neither is lost, nothing fails."""
    url, _ = world_db
    first = psycopg.connect(url)
    try:
        with first.transaction():
            act_as(first, ACTORS["service_role"])
            first.execute("select public.set_organization_lockdown(%s, 'first', null)", [ORG_A])
            errors: list[BaseException] = []

            def second() -> None:
                try:
                    set_lockdown(url, ORG_B)
                except BaseException as exc:  # reported below
                    errors.append(exc)

            thread = threading.Thread(target=second)
            thread.start()
            thread.join(timeout=1)
            assert thread.is_alive(), "the second writer should wait for the first"
        thread.join(timeout=30)
        assert not thread.is_alive()
        assert not errors, errors
    finally:
        first.close()
    assert locked_ids(url) == {ORG_A, ORG_B}


def test_a_rolled_back_lockdown_leaves_nothing(world_db: tuple[str, World]) -> None:
    url, _ = world_db
    with psycopg.connect(url) as conn, conn.transaction(force_rollback=True):
        act_as(conn, ACTORS["service_role"])
        conn.execute("select public.set_organization_lockdown(%s, 'rolled back', null)", [ORG_A])
        assert locked_ids_in(conn) == {ORG_A}
    assert locked_ids(url) == set()
    with api_session(url, "admin_a") as request:
        assert request()["integrations"] == 4


SABOTAGE = "drop trigger organization_lockdowns_compile on private.organization_lockdowns;"


def test_without_the_compile_trigger_the_lockdown_does_not_reach_the_session(migrated_db: Callable[..., str]) -> None:
    """Failing proof: with the table written but the constant never rewritten, these checks see rows."""
    url = migrated_db({"29990101000000_no_lockdown_compile.sql": SABOTAGE})
    build_world(url)
    with api_session(url, "admin_a") as request:
        before = request()
        set_lockdown(url, ORG_A)
        assert request()["integrations"] == before["integrations"] != 0
