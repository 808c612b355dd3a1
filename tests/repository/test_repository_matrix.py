"""Every repository method as every actor, against org A's data: admins and service_role may, coordinators read,
other organizations see nothing, anon is refused. A refused call changes nothing (rows, Vault, audit trail).

Cross-org denials are NotFound when the row is invisible to the caller (no existence oracle), PermissionDenied
where the database itself says 42501 (credential functions, RLS with check on insert).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest
from repo_world import A_ACTIVE, A_IDLE, ACTORS, ORG_A, SECRET_A, World, as_postgres, decrypted, fingerprint

from org_integrations.errors import NotFound, PermissionDenied, RepositoryError
from org_integrations.models import Integration, IntegrationStatus
from org_integrations.repository import OrganizationIntegrationRepository
from org_integrations.secrets import Secret

NEW_SECRET = "sk_live_rotated-8e21aa90c3-NEVER-LOG"

OK = "ok"
EMPTY = "empty"
NONE = "none"
DENIED = PermissionDenied
MISSING = NotFound

Call = Callable[[OrganizationIntegrationRepository], Any]

# operation -> (call, expected outcome per actor in ACTORS order)
# actors:         admin_a coord_a service_role admin_b coord_b outsider anon
OPERATIONS: dict[str, tuple[Call, tuple[Any, ...]]] = {
    "list_integrations": (
        lambda r: r.list_integrations(ORG_A),
        (OK, OK, OK, EMPTY, EMPTY, EMPTY, DENIED),
    ),
    "list_integrations_active": (
        lambda r: r.list_integrations(ORG_A, status=IntegrationStatus.ACTIVE),
        (OK, OK, OK, EMPTY, EMPTY, EMPTY, DENIED),
    ),
    "get_integration": (
        lambda r: r.get_integration(ORG_A, A_ACTIVE),
        (OK, OK, OK, MISSING, MISSING, MISSING, DENIED),
    ),
    "create_integration": (
        lambda r: r.create_integration(ORG_A, "zendesk", display_name="Support"),
        (OK, DENIED, OK, DENIED, DENIED, DENIED, DENIED),
    ),
    "update_integration": (
        lambda r: r.update_integration(A_IDLE, display_name="Marketing", provider="hubspot-eu"),
        (OK, DENIED, OK, MISSING, MISSING, MISSING, DENIED),
    ),
    "set_status_error": (
        lambda r: r.set_status(A_ACTIVE, IntegrationStatus.ERROR),
        (OK, DENIED, OK, MISSING, MISSING, MISSING, DENIED),
    ),
    "set_status_active": (
        lambda r: r.set_status(A_ACTIVE, "active"),
        (OK, DENIED, OK, MISSING, MISSING, MISSING, DENIED),
    ),
    "store_credential": (
        lambda r: r.store_credential(A_IDLE, Secret(NEW_SECRET)),
        (OK, DENIED, OK, DENIED, DENIED, DENIED, DENIED),
    ),
    "rotate_credential": (
        lambda r: r.rotate_credential(A_ACTIVE, NEW_SECRET),
        (OK, DENIED, OK, DENIED, DENIED, DENIED, DENIED),
    ),
    "revoke_credential": (
        lambda r: r.revoke_credential(A_ACTIVE),
        (OK, DENIED, OK, DENIED, DENIED, DENIED, DENIED),
    ),
    "retrieve_credential": (
        lambda r: r.retrieve_credential(A_ACTIVE),
        (DENIED, DENIED, OK, DENIED, DENIED, DENIED, DENIED),
    ),
    "get_vault_secret_id": (
        lambda r: r.get_vault_secret_id(A_ACTIVE),
        (OK, NONE, OK, NONE, NONE, NONE, DENIED),
    ),
    "credential_status": (
        lambda r: r.credential_status(A_ACTIVE),
        (OK, DENIED, OK, MISSING, MISSING, MISSING, DENIED),
    ),
}

CASES = [
    pytest.param(operation, actor, expected[index], id=f"{operation}-{actor}")
    for operation, (_, expected) in OPERATIONS.items()
    for index, actor in enumerate(ACTORS)
]


@pytest.mark.parametrize(("operation", "actor", "expected"), CASES)
def test_method_as_actor(
    operation: str,
    actor: str,
    expected: Any,
    repo: Callable[[str], OrganizationIntegrationRepository],
    world: World,
) -> None:
    call = OPERATIONS[operation][0]
    before = fingerprint(world.url)
    if isinstance(expected, type):
        with pytest.raises(expected) as raised:
            call(repo(actor))
        assert isinstance(raised.value, RepositoryError)
        assert raised.value.operation is not None
        # A refused call leaves rows, Vault and the audit trail exactly as they were.
        assert fingerprint(world.url) == before
        return
    result = call(repo(actor))
    if expected == EMPTY:
        assert result == []
        assert fingerprint(world.url) == before
    elif expected == NONE:
        assert result is None
    else:
        check_success(operation, result, world)


def check_success(operation: str, result: Any, world: World) -> None:
    """What a successful call returns, and what it did, read back as postgres where it matters."""
    if operation == "list_integrations":
        assert {i.id for i in result} == {A_ACTIVE, A_IDLE}
        assert all(isinstance(i, Integration) and i.organization_id == ORG_A for i in result)
    elif operation == "list_integrations_active":
        assert [i.id for i in result] == [A_ACTIVE]
    elif operation == "get_integration":
        assert result.id == A_ACTIVE
        assert result.status is IntegrationStatus.ACTIVE
        assert result.provider == "salesforce"
    elif operation == "create_integration":
        assert result.organization_id == ORG_A
        assert result.status is IntegrationStatus.INACTIVE
        assert result.field_mappings.model_dump() == {"version": 1, "mappings": []}
    elif operation == "update_integration":
        assert (result.id, result.display_name, result.provider) == (A_IDLE, "Marketing", "hubspot-eu")
        assert result.updated_at > result.created_at
    elif operation == "set_status_error":
        assert result.status is IntegrationStatus.ERROR
    elif operation == "set_status_active":
        assert result.status is IntegrationStatus.ACTIVE
    elif operation == "store_credential":
        assert isinstance(result, UUID)
        assert decrypted(world.url, result) == NEW_SECRET
    elif operation == "rotate_credential":
        assert result is None
        assert decrypted(world.url, world.vault_ids[A_ACTIVE]) == NEW_SECRET
    elif operation == "revoke_credential":
        assert decrypted(world.url, world.vault_ids[A_ACTIVE]) is None
        row = as_postgres(
            world.url,
            "select i.status::text, i.vault_secret_id from public.organization_integrations as i where i.id = %s",
            A_ACTIVE,
        )
        assert row == ("inactive", None)
    elif operation == "retrieve_credential":
        assert isinstance(result, Secret)
        assert result.reveal() == SECRET_A
    elif operation == "get_vault_secret_id":
        assert result == world.vault_ids[A_ACTIVE]
    elif operation == "credential_status":
        assert result is True
    else:
        pytest.fail(f"no success check for {operation}")


def test_every_public_method_is_in_the_matrix() -> None:
    methods = {
        name
        for name in dir(OrganizationIntegrationRepository)
        if not name.startswith("_") and callable(getattr(OrganizationIntegrationRepository, name))
    } - {"acting_as"}
    covered = {operation.removesuffix("_active").removesuffix("_error") for operation in OPERATIONS}
    assert methods <= covered, methods - covered
