"""Example sync worker: syncs one organization's active integrations with their external systems.

Acting as service_role, it
1. lists the organization's active integrations,
2. retrieves each one's credential (a masked ``Secret``; every retrieval is audited in the database),
3. calls the external system with it, and prints what it synced. It never prints or logs a credential.

    python examples/sync_worker.py --db-url postgresql://postgres:postgres@127.0.0.1:54322/postgres \\
        --organization-id <uuid> [--external-url http://127.0.0.1:8000] [--verbose]

Without ``--external-url`` it starts the local fake external system (``fake_external_system.py``, 127.0.0.1
only), which accepts any credential. The database URL may also come from ``DATABASE_URL``. Log in as
``postgres`` (or another role that may ``set role service_role``), never with an API key in the URL.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from org_integrations.errors import RepositoryError
from org_integrations.identity import Identity
from org_integrations.models import IntegrationStatus
from org_integrations.repository import OrganizationIntegrationRepository, create_pool
from org_integrations.secrets import Secret

log = logging.getLogger("sync_worker")


class ExternalSystemError(Exception):
    """The external system refused or failed. The message has the provider and HTTP status, never the request."""


class ExternalSystemClient:
    """A minimal client for the provider API: ``GET /v1/<provider>/records`` with a bearer credential."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout

    def fetch_records(self, provider: str, credential: Secret) -> list[dict[str, object]]:
        url = f"{self._base_url}/v1/{urllib.parse.quote(provider, safe='')}/records"
        # The only place the plaintext leaves the process: the request header.
        request = urllib.request.Request(url, headers={"Authorization": f"Bearer {credential.reveal()}"})
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return list(json.load(response)["records"])
        except urllib.error.HTTPError as error:
            raise ExternalSystemError(f"{provider}: HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError, KeyError) as error:
            raise ExternalSystemError(f"{provider}: {type(error).__name__}") from None


@dataclass(frozen=True)
class SyncResult:
    integration_id: UUID
    provider: str
    records: int | None
    error: str | None = None


def run_sync(
    repository: OrganizationIntegrationRepository, organization_id: UUID, client: ExternalSystemClient
) -> list[SyncResult]:
    """Sync every active integration of the organization; one failure does not stop the others."""
    if not repository.identity.is_service_role:
        raise ValueError("the sync worker acts as service_role: only service_role may retrieve credentials")
    results = []
    for integration in repository.list_integrations(organization_id, status=IntegrationStatus.ACTIVE):
        try:
            credential = repository.retrieve_credential(integration.id)
            records = client.fetch_records(integration.provider, credential)
        except (RepositoryError, ExternalSystemError) as error:
            log.warning("integration %s (%s) failed: %s", integration.id, integration.provider, error)
            results.append(SyncResult(integration.id, integration.provider, None, str(error)))
            continue
        log.debug("integration %s (%s): %d records", integration.id, integration.provider, len(records))
        results.append(SyncResult(integration.id, integration.provider, len(records)))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db-url", default=os.environ.get("DATABASE_URL"), help="default: $DATABASE_URL")
    parser.add_argument("--organization-id", type=UUID, required=True)
    parser.add_argument("--external-url", help="the provider API; default: start the local fake on 127.0.0.1")
    parser.add_argument("--verbose", action="store_true", help="log at DEBUG, including psycopg's own loggers")
    args = parser.parse_args(argv)
    if not args.db_url:
        parser.error("--db-url or DATABASE_URL is required")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(levelname)s %(name)s %(message)s"
    )

    fake = None
    if args.external_url is None:
        from fake_external_system import FakeExternalSystem  # beside this file

        fake = FakeExternalSystem().start()
        args.external_url = fake.url
    try:
        with create_pool(args.db_url, min_size=1, max_size=2) as pool:
            repository = OrganizationIntegrationRepository(pool, Identity.service_role())
            results = run_sync(repository, args.organization_id, ExternalSystemClient(args.external_url))
    finally:
        if fake is not None:
            fake.stop()

    for result in results:
        outcome = f"{result.records} records" if result.error is None else f"failed ({result.error})"
        print(f"{result.integration_id} {result.provider}: {outcome}")
    print(f"{sum(r.error is None for r in results)} of {len(results)} active integrations synced")
    return 0 if all(r.error is None for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
