"""private.memberships follows organization_members through TRUNCATE, and starts complete when migrated.

The pgTAP file 09_memberships_mirror covers every row-level change; TRUNCATE locks the whole table, so it is
tested here, on a database of its own.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg

from org_integrations.identity import Identity
from support.identity import act_as
from support.migrations import migrate
from support.users import add_member, create_org, create_user

ORG = "0000a11b-0000-4000-8000-00000000000a"
USERS = ("0000a11b-0000-4000-8000-0000000000a1", "0000a11b-0000-4000-8000-0000000000a2")
DIFFERENCE = """
select pg_catalog.count(*) from (
    (select user_id, organization_id, role from public.organization_members
     except select user_id, organization_id, role from private.memberships)
    union all
    (select user_id, organization_id, role from private.memberships
     except select user_id, organization_id, role from public.organization_members)
) as d
"""


def _members(conn: psycopg.Connection, *roles: str) -> None:
    """The two users, the organization, and a membership of USERS[i] with roles[i]; committed."""
    for number, user_id in enumerate(USERS):
        create_user(conn, user_id, f"mirror-{number}@test.local")
    create_org(conn, ORG, "Mirror org")
    for user_id, role in zip(USERS, roles, strict=False):
        add_member(conn, ORG, user_id, role)
    conn.commit()


def _mirror_rows(conn: psycopg.Connection) -> int:
    row = conn.execute("select pg_catalog.count(*) from private.memberships").fetchone()
    assert row is not None
    return int(row[0])


def test_truncate_empties_the_mirror(migrated_db: Callable[..., str]) -> None:
    url = migrated_db()
    with psycopg.connect(url) as conn:
        _members(conn, "admin", "coordinator")
        assert _mirror_rows(conn) == 2

        conn.execute("truncate public.organization_members")
        assert _mirror_rows(conn) == 0
        conn.rollback()
        assert conn.execute(DIFFERENCE).fetchone() == (0,)
        assert _mirror_rows(conn) == 2


def test_truncating_both_tables_in_one_statement_works(migrated_db: Callable[..., str]) -> None:
    """A reset of every table truncates members and mirror together; the trigger must not refuse it (55006)."""
    url = migrated_db()
    with psycopg.connect(url) as conn:
        _members(conn, "admin")
        conn.execute("truncate public.organization_members, private.memberships")
        conn.commit()
        assert _mirror_rows(conn) == 0


def test_the_migration_copies_existing_memberships(platform_db: Callable[[], str]) -> None:
    """Memberships made before 20261207110000 are in the mirror once it is applied, and the policies see them."""
    url = platform_db()
    migrate(url, upto="20261207100500")
    with psycopg.connect(url) as conn:
        _members(conn, "admin", "coordinator")
    assert "20261207110000" in migrate(url)
    with psycopg.connect(url) as conn:
        assert conn.execute(DIFFERENCE).fetchone() == (0,)
        assert _mirror_rows(conn) == 2
        with conn.transaction(force_rollback=True):
            act_as(conn, Identity.user(USERS[1]))
            assert conn.execute("select pg_catalog.count(*) from public.organizations").fetchone() == (1,)
