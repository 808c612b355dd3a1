"""The credential probe: activating an integration first checks that its credential exists, through the admin
read path (admins) or retrieve_credential (service_role). If it does not, CredentialMissing is raised before any
write, so nothing changes: no row, no updated_at, no Vault secret, no audit row. The database stays the final guard.
"""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest
from repo_world import A_ACTIVE, A_IDLE, B_ACTIVE, ORG_A, World, as_postgres, database_error, fingerprint

from org_integrations.errors import CredentialMissing, NotFound, PermissionDenied, translate
from org_integrations.models import IntegrationStatus
from org_integrations.repository import OrganizationIntegrationRepository

Repo = Callable[[str], OrganizationIntegrationRepository]


@pytest.mark.parametrize("actor", ["admin_a", "service_role"])
@pytest.mark.parametrize(
    "activate",
    [
        pytest.param(lambda r: r.set_status(A_IDLE, IntegrationStatus.ACTIVE), id="set_status"),
        pytest.param(lambda r: r.update_integration(A_IDLE, status="active", display_name="x"), id="update"),
    ],
)
def test_activating_without_credential_raises_before_any_write(
    actor: str, activate: Callable[[OrganizationIntegrationRepository], object], repo: Repo, world: World
) -> None:
    before = fingerprint(world.url)
    with pytest.raises(CredentialMissing) as raised:
        activate(repo(actor))
    # The probe refused, not the database: no SQLSTATE, no constraint.
    assert raised.value.sqlstate is None
    assert raised.value.constraint is None
    assert fingerprint(world.url) == before


def test_creating_an_active_integration_is_refused_before_any_write(repo: Repo, world: World) -> None:
    before = fingerprint(world.url)
    with pytest.raises(CredentialMissing):
        repo("admin_a").create_integration(ORG_A, "zendesk", status=IntegrationStatus.ACTIVE)
    assert fingerprint(world.url) == before


def test_service_role_probe_catches_a_secret_deleted_outside_the_functions(repo: Repo, world: World) -> None:
    """A dangling reference passes the constraint (the column is not null) but not the probe."""
    with psycopg.connect(world.url, autocommit=True) as conn:
        conn.execute("update public.organization_integrations set status = 'inactive' where id = %s", [A_ACTIVE])
        conn.execute("delete from vault.secrets where id = %s", [world.vault_ids[A_ACTIVE]])
    before = fingerprint(world.url)

    with pytest.raises(CredentialMissing) as raised:
        repo("service_role").set_status(A_ACTIVE, IntegrationStatus.ACTIVE)
    assert raised.value.sqlstate == "P0002"
    assert fingerprint(world.url) == before

    # The admin read path cannot see Vault: an admin's probe only sees that a reference exists.
    assert repo("admin_a").set_status(A_ACTIVE, IntegrationStatus.ACTIVE).status is IntegrationStatus.ACTIVE


def test_successful_service_role_probe_never_returns_the_plaintext_but_is_audited(repo: Repo, world: World) -> None:
    repo("service_role").set_status(A_ACTIVE, IntegrationStatus.ACTIVE)
    row = as_postgres(
        world.url,
        "select a.action_name, a.actor_role from public.credential_audit as a "
        "where a.integration_id = %s order by a.occurred_at desc limit 1",
        A_ACTIVE,
    )
    assert row == ("retrieve", "service_role")


@pytest.mark.parametrize(
    ("actor", "error"),
    [("coord_a", PermissionDenied), ("admin_b", NotFound), ("coord_b", NotFound), ("outsider", NotFound)],
)
def test_probe_reports_permission_and_visibility_not_a_missing_credential(
    actor: str, error: type[Exception], repo: Repo, world: World
) -> None:
    before = fingerprint(world.url)
    with pytest.raises(error):
        repo(actor).set_status(A_IDLE, IntegrationStatus.ACTIVE)
    assert fingerprint(world.url) == before


def test_unknown_integration_is_not_found_for_service_role(repo: Repo) -> None:
    from uuid import uuid4

    with pytest.raises(NotFound):
        repo("service_role").set_status(uuid4(), IntegrationStatus.ACTIVE)


def test_database_stays_the_final_guard(world: World) -> None:
    """Bypassing the repository, the constraint refuses an active row without a reference (23514)."""
    error = database_error(
        world.url, "update public.organization_integrations set status = 'active' where id = %s", "service_role", A_IDLE
    )
    assert isinstance(error, psycopg.errors.CheckViolation)
    assert isinstance(translate(error), CredentialMissing)
    assert as_postgres(
        world.url, "select status::text from public.organization_integrations where id = %s", A_IDLE
    ) == ("inactive",)


def test_probe_passes_for_an_integration_with_a_credential(repo: Repo) -> None:
    assert repo("admin_b").set_status(B_ACTIVE, "active").status is IntegrationStatus.ACTIVE
    after_store = repo("admin_a")
    after_store.store_credential(A_IDLE, "sk_new-9a8b7c6d-NEVER-LOG")
    assert after_store.set_status(A_IDLE, "active").status is IntegrationStatus.ACTIVE
