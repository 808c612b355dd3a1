"""Typed errors of the integrations repository, mapped from SQLSTATEs.

| SQLSTATE | raised by | exception |
|---|---|---|
| 42501 | missing privilege, RLS ``with check``, credential functions | ``PermissionDenied`` |
| P0002 | credential functions: unknown integration, nothing linked | ``NotFound`` |
| 23514 | ``..._field_mappings_check`` / ``..._sync_schedule_check`` | ``InvalidConfig`` (problem list) |
| 23514 | ``..._provider[_characters]_check`` / ``..._display_name[_characters]_check`` | ``InvalidConfig`` |
| 23514 | ``chk_active_integration_has_vault_ref`` | ``CredentialMissing`` |
| 23503 | the ``vault_secret_id`` integrity trigger (no constraint name) | ``CredentialMissing`` |
| 23503 | a real foreign key, e.g. an unknown ``organization_id`` | ``NotFound`` |
| 22023 | credential functions: null, blank or oversized secret | ``InvalidSecret`` |
| other | anything else | ``RepositoryError`` |

The message of every exception here is written by this module from the
operation, the SQLSTATE and the constraint name. It never copies the
database's message, detail, hint or context, and never a parameter, so it
cannot carry a secret. For the same reason the database exception is not
chained (``raise ... from None``): a logged traceback shows only this text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import psycopg

# Config columns whose CHECK constraint has a problem-list function in public.
CONFIG_CONSTRAINTS: Mapping[str, str] = {
    "organization_integrations_field_mappings_check": "field_mappings",
    "organization_integrations_sync_schedule_check": "sync_schedule",
}
# The other CHECK constraints on the table's writable columns, and what they require.
# Lengths count surrounding spaces; the characters constraints refuse control, line-separator and bidi
# embedding/override/isolate characters (docs/decisions/input-hygiene.md).
_NO_CONTROL = "must not contain control, line-separator or bidi override characters"
COLUMN_CONSTRAINTS: Mapping[str, tuple[str, str]] = {
    "organization_integrations_provider_check": (
        "provider",
        "provider: must be 1 to 100 characters, surrounding spaces included, and not blank",
    ),
    "organization_integrations_provider_characters_check": ("provider", f"provider: {_NO_CONTROL}"),
    "organization_integrations_display_name_check": (
        "display_name",
        "display_name: must be at most 200 characters, surrounding spaces included",
    ),
    "organization_integrations_display_name_characters_check": ("display_name", f"display_name: {_NO_CONTROL}"),
}
ACTIVE_NEEDS_CREDENTIAL = "chk_active_integration_has_vault_ref"


class RepositoryError(Exception):
    """Base class. ``sqlstate`` and ``constraint`` say what the database reported; neither can hold a secret."""

    summary: ClassVar[str] = "the database refused the request"

    def __init__(
        self,
        message: str | None = None,
        *,
        operation: str | None = None,
        sqlstate: str | None = None,
        constraint: str | None = None,
    ) -> None:
        self.operation = operation
        self.sqlstate = sqlstate
        self.constraint = constraint
        text = message or self.summary
        if operation:
            text = f"{operation}: {text}"
        reported = ", ".join(
            part
            for part in (f"SQLSTATE {sqlstate}" if sqlstate else "", f"constraint {constraint}" if constraint else "")
            if part
        )
        super().__init__(f"{text} ({reported})" if reported else text)


class PermissionDenied(RepositoryError):
    """42501: the caller may not do this (privilege, RLS ``with check``, or a credential function's own check)."""

    summary = "permission denied"


class NotFound(RepositoryError, LookupError):
    """P0002, or no row the caller can see: the integration (or what it references) does not exist for them."""

    summary = "not found"


class InvalidConfig(RepositoryError, ValueError):
    """23514 on a configuration column. ``problems`` lists what is wrong, as the database explains it."""

    summary = "invalid configuration"

    def __init__(
        self,
        column: str,
        problems: Sequence[str],
        *,
        problems_by_column: Mapping[str, Sequence[str]] | None = None,
        operation: str | None = None,
        sqlstate: str | None = "23514",
        constraint: str | None = None,
    ) -> None:
        self.column = column
        self.problems: tuple[str, ...] = tuple(problems)
        # Every submitted document that has problems, not only the one whose constraint fired first.
        self.problems_by_column: dict[str, tuple[str, ...]] = {
            name: tuple(found) for name, found in (problems_by_column or {column: self.problems}).items() if found
        }
        shown = "; ".join(self.problems[:5]) + ("; ..." if len(self.problems) > 5 else "")
        super().__init__(
            f"{column} is invalid" + (f": {shown}" if shown else ""),
            operation=operation,
            sqlstate=sqlstate,
            constraint=constraint,
        )


class CredentialMissing(RepositoryError):
    """The integration has no usable credential: the probe found none, 23503 from the Vault trigger, or 23514
    from ``chk_active_integration_has_vault_ref``. Store one with ``store_credential`` first."""

    summary = "the integration has no credential in Vault; store one first"


class InvalidSecret(RepositoryError, ValueError):
    """22023: the secret is null, empty, whitespace only or longer than 65,536 bytes. The value is never shown."""

    summary = "the secret must not be empty or whitespace only, nor exceed 65536 bytes"


def translate(error: psycopg.Error, *, operation: str | None = None) -> RepositoryError:
    """The typed exception for a database error. Config problems are filled in by the repository."""
    sqlstate = error.sqlstate
    constraint = error.diag.constraint_name
    context = {"operation": operation, "sqlstate": sqlstate, "constraint": constraint}
    if sqlstate == "42501":
        return PermissionDenied(**context)
    if sqlstate == "P0002":
        return NotFound(**context)
    if sqlstate == "22023":
        return InvalidSecret(**context)
    if sqlstate == "23503":
        # The Vault integrity trigger raises 23503 without a constraint name; a
        # real foreign key names itself, and then a referenced row is missing.
        if constraint is None:
            return CredentialMissing(**context)
        return NotFound("a referenced row does not exist", **context)
    if sqlstate == "23514":
        if constraint == ACTIVE_NEEDS_CREDENTIAL:
            return CredentialMissing("an active integration needs a credential; store one first", **context)
        config_column = CONFIG_CONSTRAINTS.get(constraint or "")
        if config_column is not None:
            return InvalidConfig(config_column, (), operation=operation, constraint=constraint)
        column_rule = COLUMN_CONSTRAINTS.get(constraint or "")
        if column_rule is not None:
            column, rule = column_rule
            return InvalidConfig(column, (rule,), operation=operation, constraint=constraint)
    return RepositoryError(f"database error {type(error).__name__}", **context)
