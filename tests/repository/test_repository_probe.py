"""The credential check before activating: the repository asks ``public.credential_status``, which says whether a
live secret is linked without decrypting it and without an audit row. If there is none, CredentialMissing is raised
before any write, so nothing changes: no row, no updated_at, no Vault secret, no audit row. Who may ask is the
database's rule (42501); the repository only tells NotFound from PermissionDenied by what RLS lets the caller see.
The database stays the final guard: 23514 without a reference, 23503 (a named constraint) onto a missing secret.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import uuid4

import psycopg
import pytest
from repo_world import A_ACTIVE, A_IDLE, B_ACTIVE, ORG_A, World, as_postgres, database_error, fingerprint

from org_integrations.errors import VAULT_REFERENCE_CONSTRAINT, CredentialMissing, NotFound, PermissionDenied, translate
from org_integrations.models import IntegrationStatus
from org_integrations.repository import OrganizationIntegrationRepository

Repo = Callable[[str], OrganizationIntegrationRepository]


def audit_rows(world: World) -> tuple[object, ...] | None:
    return as_postgres(world.url, "select pg_catalog.count(*) from public.credential_audit")


def delete_secret_of(world: World, integration_id: object) -> None:
    """Delete the linked secret outside the credential functions (as in the dashboard): the reference dangles."""
    with psycopg.connect(world.url, autocommit=True) as conn:
        conn.execute("delete from vault.secrets where id = %s", [world.vault_ids[integration_id]])


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
    # The check refused, not the database: no SQLSTATE, no constraint.
    assert raised.value.sqlstate is None
    assert raised.value.constraint is None
    assert fingerprint(world.url) == before


def test_creating_an_active_integration_is_refused_before_any_write(repo: Repo, world: World) -> None:
    before = fingerprint(world.url)
    with pytest.raises(CredentialMissing):
        repo("admin_a").create_integration(ORG_A, "zendesk", status=IntegrationStatus.ACTIVE)
    assert fingerprint(world.url) == before


@pytest.mark.parametrize("actor", ["admin_a", "service_role"])
def test_check_catches_a_secret_deleted_outside_the_functions_for_admins_too(
    actor: str, repo: Repo, world: World
) -> None:
    """A dangling reference passes the 23514 constraint (the column is not null) but not credential_status."""
    with psycopg.connect(world.url, autocommit=True) as conn:
        conn.execute("update public.organization_integrations set status = 'inactive' where id = %s", [A_ACTIVE])
    delete_secret_of(world, A_ACTIVE)
    before = fingerprint(world.url)

    assert repo(actor).credential_status(A_ACTIVE) is False
    with pytest.raises(CredentialMissing) as raised:
        repo(actor).set_status(A_ACTIVE, IntegrationStatus.ACTIVE)
    assert raised.value.sqlstate is None
    assert fingerprint(world.url) == before


@pytest.mark.parametrize("actor", ["admin_a", "service_role"])
def test_the_check_never_decrypts_and_is_not_audited(actor: str, repo: Repo, world: World) -> None:
    audit_before = audit_rows(world)
    assert repo(actor).credential_status(A_ACTIVE) is True
    assert repo(actor).set_status(A_ACTIVE, IntegrationStatus.ACTIVE).status is IntegrationStatus.ACTIVE
    assert audit_rows(world) == audit_before


def test_the_repository_no_longer_decrypts_to_probe() -> None:
    """The decrypting probe is gone from the package: activation goes through credential_status only."""
    import org_integrations.repository as module

    source = module.__loader__.get_source(module.__name__)  # type: ignore[union-attr]
    assert source is not None
    assert "public.credential_status(%s)" in source
    assert "retrieve_credential(%s) is not null" not in source
    assert "_why_no_credential" not in source


@pytest.mark.parametrize(
    ("actor", "error"),
    [
        ("coord_a", PermissionDenied),
        ("admin_b", NotFound),
        ("coord_b", NotFound),
        ("outsider", NotFound),
        ("anon", PermissionDenied),
    ],
)
def test_check_reports_permission_and_visibility_not_a_missing_credential(
    actor: str, error: type[Exception], repo: Repo, world: World
) -> None:
    before = fingerprint(world.url)
    with pytest.raises(error):
        repo(actor).set_status(A_IDLE, IntegrationStatus.ACTIVE)
    with pytest.raises(error):
        repo(actor).credential_status(A_IDLE)
    assert fingerprint(world.url) == before


def test_unknown_integration_is_not_found_for_service_role(repo: Repo) -> None:
    with pytest.raises(NotFound) as raised:
        repo("service_role").set_status(uuid4(), IntegrationStatus.ACTIVE)
    assert raised.value.sqlstate == "P0002"


def test_database_stays_the_final_guard_without_a_reference(world: World) -> None:
    """Bypassing the repository, the constraint refuses an active row without a reference (23514)."""
    error = database_error(
        world.url, "update public.organization_integrations set status = 'active' where id = %s", "service_role", A_IDLE
    )
    assert isinstance(error, psycopg.errors.CheckViolation)
    assert isinstance(translate(error), CredentialMissing)
    assert as_postgres(
        world.url, "select status::text from public.organization_integrations where id = %s", A_IDLE
    ) == ("inactive",)


@pytest.mark.parametrize("role", ["service_role", "postgres"])
def test_database_stays_the_final_guard_onto_a_missing_secret(role: str, world: World) -> None:
    """Bypassing the repository, activating onto a secret gone from Vault is 23503 with the trigger's name."""
    with psycopg.connect(world.url, autocommit=True) as conn:
        conn.execute("update public.organization_integrations set status = 'inactive' where id = %s", [A_ACTIVE])
    delete_secret_of(world, A_ACTIVE)
    error = database_error(
        world.url, "update public.organization_integrations set status = 'active' where id = %s", role, A_ACTIVE
    )
    assert isinstance(error, psycopg.errors.ForeignKeyViolation)
    assert error.diag.constraint_name == VAULT_REFERENCE_CONSTRAINT
    mapped = translate(error)
    assert isinstance(mapped, CredentialMissing)
    assert mapped.constraint == VAULT_REFERENCE_CONSTRAINT


def test_check_passes_for_an_integration_with_a_credential(repo: Repo) -> None:
    assert repo("admin_b").set_status(B_ACTIVE, "active").status is IntegrationStatus.ACTIVE
    after_store = repo("admin_a")
    after_store.store_credential(A_IDLE, "sk_new-9a8b7c6d-NEVER-LOG")
    assert after_store.set_status(A_IDLE, "active").status is IntegrationStatus.ACTIVE
