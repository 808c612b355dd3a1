"""The repository tests' world, actors and fingerprint; imported by conftest.py and the test modules.

World (ids readable on purpose):
    org A: admin_a, coord_a; integrations A_ACTIVE (active, credential SECRET_A) and A_IDLE (inactive, none)
    org B: admin_b, coord_b; integration B_ACTIVE (active, credential SECRET_B)
    outsider: a user in no organization
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from org_integrations.identity import Identity
from support.paths import ROOT
from support.users import add_member, create_org, create_user

__all__ = ["ROOT"]

ORG_A = UUID("00000005-0000-4000-8000-00000000000a")
ORG_B = UUID("00000005-0000-4000-8000-00000000000b")
USERS = {
    "admin_a": (UUID("00000005-0000-4000-8000-0000000000a1"), "repo-admin-a@test.local", ORG_A, "admin"),
    "coord_a": (UUID("00000005-0000-4000-8000-0000000000a2"), "repo-coord-a@test.local", ORG_A, "coordinator"),
    "admin_b": (UUID("00000005-0000-4000-8000-0000000000b1"), "repo-admin-b@test.local", ORG_B, "admin"),
    "coord_b": (UUID("00000005-0000-4000-8000-0000000000b2"), "repo-coord-b@test.local", ORG_B, "coordinator"),
    "outsider": (UUID("00000005-0000-4000-8000-0000000000f1"), "repo-outsider@test.local", None, None),
}
A_ACTIVE = UUID("00000005-1000-4000-8000-0000000000a1")
A_IDLE = UUID("00000005-1000-4000-8000-0000000000a2")
B_ACTIVE = UUID("00000005-1000-4000-8000-0000000000b1")
# Distinctive plaintexts, so that searching logs and messages for them cannot hit anything else.
SECRET_A = "sk_live_A-f3c91e2d4b8a-NEVER-LOG"
SECRET_B = "sk_live_B-0d7e55a19c42-NEVER-LOG"

ACTORS = ("admin_a", "coord_a", "service_role", "admin_b", "coord_b", "outsider", "anon")


@dataclass(frozen=True)
class World:
    url: str
    vault_ids: dict[UUID, UUID]  # integration id -> Vault secret id, as linked at the start


def identity_of(actor: str) -> Identity:
    if actor == "service_role":
        return Identity.service_role()
    if actor == "anon":
        return Identity.anon()
    user_id, email, _, _ = USERS[actor]
    return Identity.user(user_id, email)


def build_world(url: str) -> World:
    """The world above, written as postgres (a direct session counts as privileged for the credential functions)."""
    with psycopg.connect(url, autocommit=True) as conn:
        for user_id, email, _, _ in USERS.values():
            create_user(conn, user_id, email)
        create_org(conn, ORG_A, "Repo org A")
        create_org(conn, ORG_B, "Repo org B")
        for user_id, _, org, role in USERS.values():
            if org is not None:
                add_member(conn, org, user_id, role)
        conn.execute(
            "insert into public.organization_integrations (id, organization_id, provider, display_name) values "
            "(%s, %s, 'salesforce', 'Sales CRM'), (%s, %s, 'hubspot', null), (%s, %s, 'salesforce', 'Globex CRM')",
            [A_ACTIVE, ORG_A, A_IDLE, ORG_A, B_ACTIVE, ORG_B],
        )
        vault_ids = {}
        for integration_id, secret in ((A_ACTIVE, SECRET_A), (B_ACTIVE, SECRET_B)):
            row = conn.execute("select public.store_credential(%s, %s)", [integration_id, secret]).fetchone()
            assert row is not None
            vault_ids[integration_id] = row[0]
            conn.execute(
                "update public.organization_integrations set status = 'active' where id = %s", [integration_id]
            )
    return World(url, vault_ids)


def fingerprint(url: str) -> tuple[Any, ...]:
    """Everything a repository call could change, read as postgres: rows (every column), secrets, audit rows."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "select i.id, i.organization_id, i.provider, i.display_name, i.status, i.field_mappings, "
            "i.sync_schedule, i.created_at, i.updated_at, i.created_by, i.vault_secret_id "
            "from public.organization_integrations as i order by i.id"
        ).fetchall()
        secrets = conn.execute(
            "select s.id, s.name, s.decrypted_secret, s.updated_at from vault.decrypted_secrets as s order by s.id"
        ).fetchall()
        audit = conn.execute("select pg_catalog.count(*) from public.credential_audit").fetchone()
    return tuple(rows), tuple(secrets), audit


def as_postgres(url: str, query: str, *params: Any) -> tuple[Any, ...] | None:
    """One row of a query run as postgres in its own session, outside any identity."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params).fetchone()  # type: ignore[arg-type]  # test-only literal SQL


def decrypted(url: str, secret_id: UUID) -> str | None:
    """The plaintext of a Vault secret, or None if it does not exist."""
    row = as_postgres(url, "select s.decrypted_secret from vault.decrypted_secrets as s where s.id = %s", secret_id)
    return None if row is None else row[0]


def database_error(url: str, statement: str, role: str = "service_role", *params: Any) -> psycopg.Error:
    """The error a statement raises when run as ``role`` (bypassing the repository)."""
    with psycopg.connect(url) as conn:
        try:
            conn.execute("select set_config('role', %s, true)", [role])
            conn.execute(statement, params)  # type: ignore[arg-type]  # test-only literal SQL
        except psycopg.Error as error:
            return error
    raise AssertionError(f"{statement!r} did not fail")
