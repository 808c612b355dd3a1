"""The one way Python code reads and writes organization integrations and their credentials.

``OrganizationIntegrationRepository`` goes through the same database API as
the Flutter app and PostgREST clients (docs/client-contract.md), so the
database's security model decides every call:

- **Identity.** Each call is one transaction on a pooled connection that
  starts the way PostgREST starts a request: ``set_config('request.jwt.claims',
  ..., true)`` and ``set_config('role', ..., true)`` (``Identity.apply``).
  A user is ``authenticated`` with their id as the JWT ``sub`` and is subject
  to RLS; ``service_role`` bypasses RLS and is the only role that may retrieve
  a credential's plaintext.
- **Explicit columns.** Every statement names its columns. There is no ``*``
  anywhere, and the Vault reference column is never selected, written or
  returned: admins read it through ``public.get_integration_vault_secret_id``,
  and only the credential functions link it. ``tests/repository/test_repository_sql_scan.py``
  fails the build otherwise.
- **Credential check before activating.** Activating an integration makes it
  depend on its credential, so before that write the repository asks
  ``public.credential_status``, which says whether a live secret is linked
  without decrypting it (and without an audit row). If not, it raises
  ``CredentialMissing`` before writing anything. Who may ask is the
  database's rule: on 42501 the repository only tells ``NotFound`` (the caller
  cannot see the integration) from ``PermissionDenied`` (they can, but may not
  manage it). The constraint ``chk_active_integration_has_vault_ref`` (23514)
  and the Vault integrity trigger (23503, which also refuses activating onto a
  secret gone from Vault) remain the final guards.
- **Typed errors.** SQLSTATEs become the exceptions in ``errors``; their text
  never contains a secret.
- **Masked secrets.** Credentials go in and come out as ``Secret``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from enum import Enum
from typing import Any, Final
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool
from pydantic import BaseModel

from org_integrations.config_models import FieldMappings, SyncSchedule
from org_integrations.errors import (
    CONFIG_CONSTRAINTS,
    CredentialMissing,
    InvalidConfig,
    NotFound,
    PermissionDenied,
    RepositoryError,
    translate,
)
from org_integrations.identity import Identity
from org_integrations.models import Integration, IntegrationStatus
from org_integrations.secrets import Secret, as_secret

log = logging.getLogger(__name__)


class _Unset(Enum):
    UNSET = "UNSET"


UNSET: Final = _Unset.UNSET
"""Default of ``update_integration``'s arguments: leave the column as it is."""

ConfigDocument = FieldMappings | SyncSchedule | Mapping[str, Any]

# The projection of every read and every RETURNING, in Integration's field order.
_PROJECTION: Final = (
    "i.id, i.organization_id, i.provider, i.display_name, i.status, i.field_mappings, i.sync_schedule, "
    "i.created_at, i.updated_at, i.created_by"
)
_FIELDS: Final = tuple(column.strip().removeprefix("i.") for column in _PROJECTION.split(","))

_LIST: Final = (
    f"select {_PROJECTION} from public.organization_integrations as i "
    "where i.organization_id = %(organization_id)s "
    "and (%(status)s::public.integration_status is null or i.status = %(status)s::public.integration_status) "
    "order by i.created_at, i.id"
)
_GET: Final = (
    f"select {_PROJECTION} from public.organization_integrations as i where i.organization_id = %s and i.id = %s"
)
_INSERT: Final = (
    "insert into public.organization_integrations as i ({columns}) values ({values}) returning {projection}"
)
_UPDATE: Final = (
    "update public.organization_integrations as i set {assignments} where i.id = {id} returning {projection}"
)
# The columns authenticated may insert and update (20261127100300); the Vault reference is none of them.
_INSERTABLE: Final = ("organization_id", "provider", "display_name", "status", "field_mappings", "sync_schedule")
_UPDATABLE: Final = ("provider", "display_name", "status", "field_mappings", "sync_schedule")

_VISIBLE_ORGANIZATION: Final = "select i.organization_id from public.organization_integrations as i where i.id = %s"
_PROBLEMS: Final = {
    "field_mappings": "select public.field_mappings_problems(%s::json)",
    "sync_schedule": "select public.sync_schedule_problems(%s::json)",
}

_STORE: Final = "select public.store_credential(%s, %s)"
_ROTATE: Final = "select public.rotate_credential(%s, %s)"
_REVOKE: Final = "select public.revoke_credential(%s)"
_VAULT_REFERENCE: Final = "select public.get_integration_vault_secret_id(%s)"
_RETRIEVE: Final = "select public.retrieve_credential_by_integration(%s)"
# Whether a live secret is linked: never decrypts, never audited.
_CREDENTIAL_STATUS: Final = "select public.credential_status(%s)"


def create_pool(conninfo: str, *, min_size: int = 1, max_size: int = 4, **kwargs: Any) -> ConnectionPool[Any]:
    """An open pool for the repository. Log in as a role that may ``set role`` to the API roles
    (``postgres`` on Supabase, like PostgREST's ``authenticator``)."""
    return ConnectionPool(conninfo, min_size=min_size, max_size=max_size, open=True, name="org_integrations", **kwargs)


def _document(value: ConfigDocument) -> Jsonb:
    """A config document as a jsonb parameter. Models omit unset optional keys: null is never valid there."""
    if isinstance(value, BaseModel):
        return Jsonb(value.model_dump(mode="json", exclude_none=True))
    return Jsonb(dict(value))


def _status(value: IntegrationStatus | str) -> str:
    return IntegrationStatus(value).value


class OrganizationIntegrationRepository:
    """Integrations of organizations and their credentials, acting as one ``Identity``.

    Every method runs in one transaction of its own. ``acting_as`` returns a
    repository sharing the pool but acting as someone else.
    """

    def __init__(self, pool: ConnectionPool[Any], identity: Identity) -> None:
        self._pool = pool
        self._identity = identity

    @property
    def identity(self) -> Identity:
        return self._identity

    def acting_as(self, identity: Identity) -> OrganizationIntegrationRepository:
        return OrganizationIntegrationRepository(self._pool, identity)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(identity={self._identity.describe()!r})"

    # Reads ------------------------------------------------------------------------------

    def list_integrations(
        self, organization_id: UUID, *, status: IntegrationStatus | str | None = None
    ) -> list[Integration]:
        """The organization's integrations the caller may see (all of them for admins, coordinators and
        ``service_role``; none for anyone else), oldest first, optionally only those with ``status``."""
        with self._transaction("list_integrations") as cur:
            cur.execute(
                _LIST, {"organization_id": organization_id, "status": None if status is None else _status(status)}
            )
            return [self._integration(row) for row in cur.fetchall()]

    def get_integration(self, organization_id: UUID, integration_id: UUID) -> Integration:
        """One integration of the organization. ``NotFound`` if it does not exist or the caller may not see it."""
        with self._transaction("get_integration") as cur:
            cur.execute(_GET, [organization_id, integration_id])
            row = cur.fetchone()
            if row is None:
                raise NotFound("no such integration in this organization", operation="get_integration")
            return self._integration(row)

    def get_vault_secret_id(self, integration_id: UUID) -> UUID | None:
        """The id of the integration's Vault secret, for an admin of its organization or ``service_role``.

        ``None`` when nothing is linked, and also for coordinators, other
        organizations and unknown ids: the database does not say which.
        """
        with self._transaction("get_vault_secret_id") as cur:
            cur.execute(_VAULT_REFERENCE, [integration_id])
            row = cur.fetchone()
            return None if row is None else row[0]

    def credential_status(self, integration_id: UUID) -> bool:
        """Whether the integration has a live credential (linked, and still in Vault), without decrypting it.

        Admins of its organization and ``service_role``. ``NotFound`` if the
        caller cannot see the integration, ``PermissionDenied`` if they can but
        may not manage its credential (coordinators).
        """
        operation = "credential_status"
        with self._transaction(operation) as cur:
            return self._credential_status(cur, integration_id, operation)

    # Writes -----------------------------------------------------------------------------

    def create_integration(
        self,
        organization_id: UUID,
        provider: str,
        *,
        display_name: str | None = None,
        status: IntegrationStatus | str = IntegrationStatus.INACTIVE,
        field_mappings: ConfigDocument | None = None,
        sync_schedule: ConfigDocument | None = None,
    ) -> Integration:
        """A new integration (admins and ``service_role``). Omitted documents get the column defaults.

        It cannot start ``active``: it has no credential yet. Create it, store
        the credential, then ``set_status(..., ACTIVE)``.
        """
        operation = "create_integration"
        if _status(status) == IntegrationStatus.ACTIVE:
            raise CredentialMissing(
                "a new integration has no credential; store one, then activate it", operation=operation
            )
        values: dict[str, Any] = {
            "organization_id": organization_id,
            "provider": provider,
            "display_name": display_name,
            "status": _status(status),
        }
        documents = {
            name: _document(doc)
            for name, doc in (("field_mappings", field_mappings), ("sync_schedule", sync_schedule))
            if doc is not None
        }
        values.update(documents)
        if not set(values) <= set(_INSERTABLE):
            raise ValueError(f"{operation}: not insertable: {sorted(set(values) - set(_INSERTABLE))}")
        query = sql.SQL(_INSERT).format(
            columns=sql.SQL(", ").join(sql.Identifier(column) for column in values),
            values=sql.SQL(", ").join(sql.Placeholder(column) for column in values),
            projection=sql.SQL(_PROJECTION),
        )
        with self._transaction(operation) as cur:
            row = self._write(cur, query, values, documents, operation)
            assert row is not None  # an insert that does not fail returns its row
            integration = self._integration(row)
        log.info("created integration %s in organization %s", integration.id, organization_id)
        return integration

    def update_integration(
        self,
        integration_id: UUID,
        *,
        provider: str | _Unset = UNSET,
        display_name: str | _Unset | None = UNSET,
        status: IntegrationStatus | str | _Unset = UNSET,
        field_mappings: ConfigDocument | _Unset = UNSET,
        sync_schedule: ConfigDocument | _Unset = UNSET,
    ) -> Integration:
        """Change the given columns (admins and ``service_role``); the others stay as they are.

        Setting ``status`` to ``active`` checks the credential first (``CredentialMissing``).
        ``NotFound`` if the caller cannot see the integration,
        ``PermissionDenied`` if they can see it but may not change it.
        """
        changes: dict[str, Any] = {}
        if provider is not UNSET:
            changes["provider"] = provider
        if display_name is not UNSET:
            changes["display_name"] = display_name
        if status is not UNSET:
            changes["status"] = _status(status)
        documents = {
            name: _document(doc)
            for name, doc in (("field_mappings", field_mappings), ("sync_schedule", sync_schedule))
            if not isinstance(doc, _Unset)
        }
        changes.update(documents)
        return self._update("update_integration", integration_id, changes, documents)

    def set_status(self, integration_id: UUID, status: IntegrationStatus | str) -> Integration:
        """``update_integration(integration_id, status=status)``: activating checks the credential first."""
        return self._update("set_status", integration_id, {"status": _status(status)}, {})

    # Credentials ------------------------------------------------------------------------

    def store_credential(self, integration_id: UUID, secret: Secret | str) -> UUID:
        """Store the credential in Vault and link it; returns the Vault secret's id. Replaces a linked one in
        place (same id). Admins and ``service_role``. ``InvalidSecret`` for a blank or oversized secret."""
        secret = as_secret(secret)
        with self._transaction("store_credential") as cur:
            cur.execute(_STORE, [integration_id, secret.reveal()])
            row = cur.fetchone()
        log.info("stored the credential of integration %s", integration_id)
        assert row is not None
        return UUID(str(row[0]))

    def rotate_credential(self, integration_id: UUID, new_secret: Secret | str) -> None:
        """Replace the linked credential's value in place; the Vault reference does not change.
        ``NotFound`` (P0002) if nothing is linked."""
        new_secret = as_secret(new_secret)
        with self._transaction("rotate_credential") as cur:
            cur.execute(_ROTATE, [integration_id, new_secret.reveal()])
        log.info("rotated the credential of integration %s", integration_id)

    def revoke_credential(self, integration_id: UUID) -> None:
        """Delete the credential from Vault, unlink it and set the integration ``inactive``, in one transaction."""
        with self._transaction("revoke_credential") as cur:
            cur.execute(_REVOKE, [integration_id])
        log.info("revoked the credential of integration %s", integration_id)

    def retrieve_credential(self, integration_id: UUID) -> Secret:
        """The integration's credential, masked. ``service_role`` only (everyone else: ``PermissionDenied``).

        ``CredentialMissing`` if the integration has none (or its secret was
        deleted from Vault), ``NotFound`` if there is no such integration.
        Every call is audited in ``public.credential_audit``.
        """
        operation = "retrieve_credential"
        with self._transaction(operation) as cur:
            try:
                with cur.connection.transaction():  # savepoint: explain a P0002 in the same transaction
                    cur.execute(_RETRIEVE, [integration_id])
                    row = cur.fetchone()
            except psycopg.errors.NoDataFound:
                # Only privileged callers get this far; the others get 42501 first. Unknown integration
                # (credential_status raises P0002 too, which the transaction maps to NotFound) or no live secret.
                self._credential_status(cur, integration_id, operation)
                raise CredentialMissing(operation=operation, sqlstate="P0002") from None
            assert row is not None
            secret = Secret(row[0])
        log.debug("retrieved the credential of integration %s", integration_id)
        return secret

    # Internals --------------------------------------------------------------------------

    @contextmanager
    def _transaction(self, operation: str) -> Iterator[psycopg.Cursor[Any]]:
        """One transaction acting as the identity; database errors leave it as typed exceptions."""
        log.debug("%s as %s", operation, self._identity.describe())
        try:
            with self._pool.connection() as conn, conn.transaction(), conn.cursor() as cur:
                self._identity.apply(cur)
                yield cur
        except RepositoryError as error:
            log.debug("%s failed: %s", operation, error)
            raise
        except psycopg.Error as exc:
            mapped = translate(exc, operation=operation)
            log.debug("%s failed: %s", operation, mapped)
            # Not chained: the database's message, detail and context stay out of tracebacks.
            raise mapped from None

    def _update(
        self, operation: str, integration_id: UUID, changes: Mapping[str, Any], documents: Mapping[str, Jsonb]
    ) -> Integration:
        if not changes:
            raise ValueError(f"{operation}: nothing to change")
        if not set(changes) <= set(_UPDATABLE):
            raise ValueError(f"{operation}: not updatable: {sorted(set(changes) - set(_UPDATABLE))}")
        query = sql.SQL(_UPDATE).format(
            assignments=sql.SQL(", ").join(
                sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column)) for column in changes
            ),
            id=sql.Placeholder("integration_id"),
            projection=sql.SQL(_PROJECTION),
        )
        with self._transaction(operation) as cur:
            if changes.get("status") == IntegrationStatus.ACTIVE and not self._credential_status(
                cur, integration_id, operation
            ):
                raise CredentialMissing(operation=operation)
            row = self._write(cur, query, {**changes, "integration_id": integration_id}, documents, operation)
            if row is None:
                raise self._why_unchanged(cur, integration_id, operation)
            integration = self._integration(row)
        log.info("%s: integration %s changed (%s)", operation, integration_id, ", ".join(sorted(changes)))
        return integration

    def _write(
        self,
        cur: psycopg.Cursor[Any],
        query: sql.Composed,
        params: Mapping[str, Any],
        documents: Mapping[str, Jsonb],
        operation: str,
    ) -> tuple[Any, ...] | None:
        """Run an insert or update; a config CHECK violation becomes ``InvalidConfig`` with the problem lists."""
        try:
            with cur.connection.transaction():  # savepoint, so the problem lists can be asked for afterwards
                cur.execute(query, params)
                return cur.fetchone()
        except psycopg.errors.CheckViolation as exc:
            column = CONFIG_CONSTRAINTS.get(exc.diag.constraint_name or "")
            if column is None:
                raise
            problems: dict[str, list[str]] = {}
            for name, document in documents.items():
                cur.execute(_PROBLEMS[name], [document])
                found = cur.fetchone()
                problems[name] = list(found[0]) if found and found[0] else []
            raise InvalidConfig(
                column,
                problems.get(column, []),
                problems_by_column=problems or None,
                operation=operation,
                constraint=exc.diag.constraint_name,
            ) from None

    def _credential_status(self, cur: psycopg.Cursor[Any], integration_id: UUID, operation: str) -> bool:
        """``public.credential_status``; its 42501 becomes ``NotFound`` or ``PermissionDenied`` by visibility."""
        try:
            with cur.connection.transaction():  # savepoint: ask about visibility after a 42501
                cur.execute(_CREDENTIAL_STATUS, [integration_id])
                row = cur.fetchone()
        except psycopg.errors.InsufficientPrivilege:
            raise self._why_denied(cur, integration_id, operation) from None
        assert row is not None
        log.debug("%s: integration %s has a live credential: %s", operation, integration_id, row[0])
        return bool(row[0])

    def _why_denied(self, cur: psycopg.Cursor[Any], integration_id: UUID, operation: str) -> RepositoryError:
        """The database refused a credential call: ``NotFound`` if the caller cannot see the integration at all
        (RLS decides), else ``PermissionDenied``. Who may manage credentials is decided only by the database."""
        cur.execute(_VISIBLE_ORGANIZATION, [integration_id])
        if cur.fetchone() is None:
            return NotFound("no such integration", operation=operation)
        return PermissionDenied("only the organization's admins manage its credentials", operation=operation)

    def _why_unchanged(self, cur: psycopg.Cursor[Any], integration_id: UUID, operation: str) -> RepositoryError:
        """An update matched no row: the caller cannot see it (``NotFound``) or may only read it."""
        cur.execute(_VISIBLE_ORGANIZATION, [integration_id])
        if cur.fetchone() is None:
            return NotFound("no such integration", operation=operation)
        return PermissionDenied("only the organization's admins may change an integration", operation=operation)

    @staticmethod
    def _integration(row: tuple[Any, ...]) -> Integration:
        return Integration.model_validate(dict(zip(_FIELDS, row, strict=True)))
