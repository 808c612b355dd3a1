"""SQLSTATE -> typed exception, each from a real database error: 42501 PermissionDenied, P0002 NotFound, 23514 on
config InvalidConfig with the database's own problem list, 23514 on the credential constraint and 23503 from the
Vault trigger CredentialMissing, 22023 InvalidSecret; a real foreign key's 23503 NotFound; anything else the base.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from repo_world import A_ACTIVE, A_IDLE, B_ACTIVE, ORG_A, World, database_error, fingerprint

from org_integrations.config_models import FieldMapping, FieldMappings
from org_integrations.errors import (
    CredentialMissing,
    InvalidConfig,
    InvalidSecret,
    NotFound,
    PermissionDenied,
    RepositoryError,
    translate,
)
from org_integrations.repository import OrganizationIntegrationRepository

Repo = Callable[[str], OrganizationIntegrationRepository]

BAD_MAPPINGS = {"version": 1, "mappings": [{"source": "Email", "target": "Email"}], "extra": True}
BAD_SCHEDULE = {"version": 1, "mode": "interval", "interval_minutes": 1, "timezone": "Mars/Olympus", "enabled": True}


def problems(url: str, function: str, document: dict[str, Any]) -> list[str]:
    with psycopg.connect(url) as conn:
        row = conn.execute(f"select public.{function}(%s::jsonb)", [json.dumps(document)]).fetchone()  # type: ignore[arg-type]
    assert row is not None
    return list(row[0])


def test_42501_is_permission_denied(repo: Repo) -> None:
    with pytest.raises(PermissionDenied) as raised:
        repo("coord_a").store_credential(A_ACTIVE, "whatever-1234")
    assert raised.value.sqlstate == "42501"
    assert raised.value.operation == "store_credential"


def test_42501_from_rls_with_check_is_permission_denied(repo: Repo) -> None:
    with pytest.raises(PermissionDenied) as raised:
        repo("admin_b").create_integration(ORG_A, "zendesk")
    assert raised.value.sqlstate == "42501"


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda r: r.rotate_credential(A_IDLE, "new-value-1234"), id="rotate-nothing-linked"),
        pytest.param(lambda r: r.store_credential(uuid4(), "new-value-1234"), id="store-unknown-integration"),
        pytest.param(lambda r: r.revoke_credential(uuid4()), id="revoke-unknown-integration"),
    ],
)
def test_p0002_is_not_found(call: Callable[[OrganizationIntegrationRepository], object], repo: Repo) -> None:
    with pytest.raises(NotFound) as raised:
        call(repo("service_role"))
    assert raised.value.sqlstate == "P0002"


def test_retrieve_without_credential_is_credential_missing_and_unknown_id_not_found(repo: Repo) -> None:
    service = repo("service_role")
    with pytest.raises(CredentialMissing):
        service.retrieve_credential(A_IDLE)
    with pytest.raises(NotFound):
        service.retrieve_credential(uuid4())


def test_23514_on_field_mappings_is_invalid_config_with_the_database_problem_list(repo: Repo, world: World) -> None:
    before = fingerprint(world.url)
    with pytest.raises(InvalidConfig) as raised:
        repo("admin_a").create_integration(ORG_A, "zendesk", field_mappings=BAD_MAPPINGS)
    error = raised.value
    assert (error.sqlstate, error.constraint) == ("23514", "organization_integrations_field_mappings_check")
    assert error.column == "field_mappings"
    assert list(error.problems) == problems(world.url, "field_mappings_problems", BAD_MAPPINGS)
    assert error.problems  # the database explained something
    assert all(problem in str(error) for problem in error.problems[:5])
    assert fingerprint(world.url) == before


def test_23514_on_sync_schedule_reports_every_submitted_document(repo: Repo, world: World) -> None:
    with pytest.raises(InvalidConfig) as raised:
        repo("service_role").update_integration(A_IDLE, field_mappings=BAD_MAPPINGS, sync_schedule=BAD_SCHEDULE)
    error = raised.value
    assert error.column in {"field_mappings", "sync_schedule"}
    assert error.problems_by_column == {
        "field_mappings": tuple(problems(world.url, "field_mappings_problems", BAD_MAPPINGS)),
        "sync_schedule": tuple(problems(world.url, "sync_schedule_problems", BAD_SCHEDULE)),
    }


def test_valid_models_are_written_as_the_database_expects(repo: Repo) -> None:
    mappings = FieldMappings(
        version=1, mappings=[FieldMapping(source="E-mail", target="email", required=True)]
    )  # transform omitted: must not be sent as null
    updated = repo("admin_a").update_integration(
        A_IDLE,
        field_mappings=mappings,
        sync_schedule={
            "version": 1,
            "mode": "cron",
            "cron": "*/15 * * * 1-5",
            "timezone": "Europe/Berlin",
            "enabled": True,
        },
    )
    assert updated.field_mappings == mappings
    assert updated.sync_schedule.root.mode == "cron"  # type: ignore[union-attr]


def test_23514_on_provider_is_invalid_config(repo: Repo) -> None:
    with pytest.raises(InvalidConfig) as raised:
        repo("admin_a").create_integration(ORG_A, "   ")
    assert raised.value.column == "provider"
    assert raised.value.constraint == "organization_integrations_provider_check"


def test_23514_on_the_credential_constraint_is_credential_missing(world: World) -> None:
    error = database_error(
        world.url, "update public.organization_integrations set status = 'active' where id = %s", "service_role", A_IDLE
    )
    assert error.sqlstate == "23514"
    assert isinstance(translate(error), CredentialMissing)


def test_23503_from_the_vault_trigger_is_credential_missing(world: World) -> None:
    error = database_error(
        world.url,
        "update public.organization_integrations set vault_secret_id = %s where id = %s",
        "service_role",
        world.vault_ids[B_ACTIVE],
        A_IDLE,
    )
    assert error.sqlstate == "23503"
    mapped = translate(error, operation="link")
    assert isinstance(mapped, CredentialMissing)
    assert (mapped.sqlstate, mapped.constraint) == ("23503", None)


def test_23503_from_a_foreign_key_is_not_found(repo: Repo) -> None:
    with pytest.raises(NotFound) as raised:
        repo("service_role").create_integration(uuid4(), "zendesk")
    assert (raised.value.sqlstate, raised.value.constraint) == (
        "23503",
        "organization_integrations_organization_id_fkey",
    )


@pytest.mark.parametrize("secret", ["", "   \t\n", "x" * 65537, "é" * 32769])
def test_22023_is_invalid_secret(secret: str, repo: Repo, world: World) -> None:
    before = fingerprint(world.url)
    with pytest.raises(InvalidSecret) as raised:
        repo("admin_a").rotate_credential(A_ACTIVE, secret)
    assert raised.value.sqlstate == "22023"
    assert fingerprint(world.url) == before


def test_other_errors_are_the_base_class(world: World) -> None:
    mapped = translate(database_error(world.url, "select 1 / 0"))
    assert type(mapped) is RepositoryError
    assert mapped.sqlstate == "22012"
    assert "DivisionByZero" in str(mapped)


def test_exceptions_are_not_chained_to_the_database_error(repo: Repo) -> None:
    with pytest.raises(PermissionDenied) as raised:
        repo("coord_a").rotate_credential(A_ACTIVE, "whatever-1234")
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__


def test_error_hierarchy() -> None:
    assert issubclass(NotFound, LookupError)
    assert issubclass(InvalidConfig, ValueError)
    assert issubclass(InvalidSecret, ValueError)
    for error in (PermissionDenied, NotFound, InvalidConfig, CredentialMissing, InvalidSecret):
        assert issubclass(error, RepositoryError)


def test_retrieve_of_a_secret_deleted_from_vault_is_credential_missing(repo: Repo, world: World) -> None:
    with psycopg.connect(world.url, autocommit=True) as conn:
        conn.execute("delete from vault.secrets where id = %s", [world.vault_ids[A_ACTIVE]])
    with pytest.raises(CredentialMissing) as raised:
        repo("service_role").retrieve_credential(A_ACTIVE)
    assert raised.value.operation == "retrieve_credential"


def test_23514_on_control_characters_is_invalid_config(repo: Repo) -> None:
    """Issue 10: the characters constraints map to InvalidConfig like the length ones."""
    with pytest.raises(InvalidConfig) as raised:
        repo("admin_a").create_integration(ORG_A, "crm\x1b]0;title\x07")
    assert raised.value.column == "provider"
    assert raised.value.constraint == "organization_integrations_provider_characters_check"
