"""The repository acts exactly as PostgREST would: per transaction, role and request.jwt.claims set locally, so
auth.uid() is the user, current_setting('role') the API role, and the audit trail names them. Nothing of it
survives the transaction on a pooled connection.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg_pool import ConnectionPool
from repo_world import A_IDLE, ORG_A, USERS, as_postgres, identity_of

from org_integrations.identity import Identity
from org_integrations.repository import OrganizationIntegrationRepository

Repo = Callable[[str], OrganizationIntegrationRepository]


@pytest.mark.parametrize("actor", ["admin_a", "coord_b", "service_role", "anon"])
def test_apply_sets_what_postgrest_sets(actor: str, db_url: str) -> None:
    identity = identity_of(actor)
    with psycopg.connect(db_url) as conn, conn.transaction(), conn.cursor() as cur:
        identity.apply(cur)
        cur.execute(
            "select current_user::text, pg_catalog.current_setting('role'), auth.uid(), auth.role(), "
            "pg_catalog.current_setting('request.jwt.claims')"
        )
        current_user, role, uid, jwt_role, claims = cur.fetchone()  # type: ignore[misc]
    assert current_user == role == identity.role == jwt_role
    assert uid == identity.user_id
    assert json.loads(claims) == identity.claims()


def test_identity_does_not_outlive_the_transaction(pool: ConnectionPool[Any], repo: Repo) -> None:
    repo("admin_a").list_integrations(ORG_A)
    with pytest.raises(Exception):  # noqa: B017, PT011 - any refusal; what matters is the state afterwards
        repo("coord_a").store_credential(A_IDLE, "x-value-1234")
    repo("service_role").get_vault_secret_id(A_IDLE)
    with ExitStack() as stack:
        # Every connection of the pool at once, so none escapes the check.
        connections = [stack.enter_context(pool.connection()) for _ in range(pool.max_size)]
        for conn in connections:
            row = conn.execute(
                "select current_user::text, pg_catalog.current_setting('role'), "
                "pg_catalog.current_setting('request.jwt.claims', true), auth.uid()"
            ).fetchone()
            assert row is not None
            assert row[0] == "postgres"
            assert row[1] == "none"
            assert row[2] in (None, "")
            assert row[3] is None


def test_audit_trail_names_the_acting_user_and_role(repo: Repo, world: Any) -> None:
    repo("admin_a").store_credential(A_IDLE, "sk_audit-5521-NEVER-LOG")
    repo("service_role").retrieve_credential(A_IDLE)
    rows = [
        as_postgres(
            world.url,
            "select a.actor_role, a.actor_user_id from public.credential_audit as a "
            "where a.integration_id = %s and a.action_name = %s",
            A_IDLE,
            action,
        )
        for action in ("store", "retrieve")
    ]
    assert rows == [("authenticated", USERS["admin_a"][0]), ("service_role", None)]


def test_identity_constructors() -> None:
    user = Identity.user("00000005-0000-4000-8000-0000000000a1", "a@test.local")
    assert user.user_id == UUID("00000005-0000-4000-8000-0000000000a1")
    assert user.claims() == {
        "sub": str(user.user_id),
        "role": "authenticated",
        "aud": "authenticated",
        "email": "a@test.local",
    }
    assert Identity.service_role().claims() == {"role": "service_role"}
    assert Identity.anon().describe() == "anon"
    with pytest.raises(ValueError, match="user id"):
        Identity("authenticated")
    with pytest.raises(ValueError, match="user id"):
        Identity("service_role", user.user_id)


def test_acting_as_shares_the_pool(repo: Repo) -> None:
    admin = repo("admin_a")
    service = admin.acting_as(Identity.service_role())
    assert service.identity.is_service_role
    assert admin.identity.role == "authenticated"
    assert service._pool is admin._pool
