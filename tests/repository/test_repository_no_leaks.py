"""No credential plaintext in logs, reprs or exception messages. Every logger is captured at DEBUG while the
repository stores, rotates, retrieves, probes and fails in every way a secret can be involved; then the captured
records, the reprs and str of what came back, and the formatted tracebacks are searched for each plaintext.
A deliberate leak proves the search finds one.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from pydantic import BaseModel
from repo_world import A_ACTIVE, A_IDLE, ORG_A, SECRET_A, SECRET_B

from org_integrations.errors import RepositoryError
from org_integrations.models import IntegrationStatus
from org_integrations.repository import OrganizationIntegrationRepository
from org_integrations.secrets import Secret

Repo = Callable[[str], OrganizationIntegrationRepository]

STORED = "sk_live_stored-41c0be77-NEVER-LOG"
ROTATED = "sk_live_rotated-a61f2e0d-NEVER-LOG"
# Rejected secrets still carry a marker: the database sees them, the error must not echo them.
TOO_LONG = "sk_live_toolong-NEVER-LOG" + "x" * 65536
PLAINTEXTS = (SECRET_A, SECRET_B, STORED, ROTATED, "sk_live_toolong-NEVER-LOG")


def leaks(texts: Iterable[str]) -> list[tuple[str, str]]:
    """(plaintext, where) for every plaintext found in any text."""
    return [(plain, text[:200]) for text in texts for plain in PLAINTEXTS if plain in text]


def record_texts(records: Iterable[logging.LogRecord]) -> list[str]:
    texts = []
    for record in records:
        texts.append(record.getMessage())
        texts.append(repr(record.args))
        texts.append(repr(record.__dict__))
        if record.exc_info and record.exc_info[1] is not None:
            texts.extend(traceback.format_exception(record.exc_info[1]))
    return texts


def exception_texts(error: BaseException) -> list[str]:
    return [str(error), repr(error), *traceback.format_exception(error), repr(error.args), repr(vars(error))]


class Job(BaseModel):
    """A model holding a secret, as a worker might build one."""

    integration_id: Any
    credential: Secret


@dataclass
class DataclassJob:
    integration_id: Any
    credential: Secret


def test_no_plaintext_in_logs_reprs_or_errors(repo: Repo, debug_logs: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("test.worker")
    texts: list[str] = []
    admin, coordinator, service = repo("admin_a"), repo("coord_a"), repo("service_role")

    # What succeeds, and everything it returns.
    texts.append(repr(admin.store_credential(A_IDLE, Secret(STORED))))
    admin.rotate_credential(A_IDLE, ROTATED)  # a plain str is accepted and wrapped at once
    texts.append(repr(service.set_status(A_IDLE, IntegrationStatus.ACTIVE)))  # the credential check (credential_status)
    for integration_id in (A_ACTIVE, A_IDLE):
        secret = service.retrieve_credential(integration_id)
        assert secret.reveal() in (SECRET_A, ROTATED)  # the value is really there ...
        job = Job(integration_id=integration_id, credential=secret)
        # ... and every ordinary way of showing it masks it.
        texts += [repr(secret), str(secret), f"{secret}", f"{secret!r:>40}", "%s %r" % (secret, secret)]  # noqa: UP031
        texts += [repr(job), str(job), job.model_dump_json(), repr(job.model_dump()), repr(DataclassJob(1, secret))]
        log.debug("job %s secret %s %r", job, secret, secret)
        log.info("dataclass %s", DataclassJob(integration_id, secret))
    texts += [repr(i) for i in admin.list_integrations(ORG_A)] + [repr(admin), repr(service)]

    # What fails with a secret in hand: each error's text, repr and traceback.
    failures: list[Callable[[], object]] = [
        lambda: coordinator.store_credential(A_ACTIVE, SECRET_B),  # 42501
        lambda: coordinator.rotate_credential(A_ACTIVE, Secret(STORED)),  # 42501
        lambda: admin.retrieve_credential(A_ACTIVE),  # 42501, an admin with a valid reference
        lambda: admin.rotate_credential(A_ACTIVE, TOO_LONG),  # 22023
        lambda: admin.store_credential(A_ACTIVE, TOO_LONG),  # 22023
        lambda: repo("admin_b").store_credential(A_ACTIVE, SECRET_A),  # 42501, cross-org
        lambda: repo("anon").retrieve_credential(A_ACTIVE),  # 42501
    ]
    for fail in failures:
        with pytest.raises(RepositoryError) as raised:
            fail()
        texts += exception_texts(raised.value)
        log.exception("worker step failed", exc_info=raised.value)

    captured = debug_logs.records
    assert any(r.name.startswith("org_integrations") and r.levelno == logging.DEBUG for r in captured)
    assert any(r.name.startswith("psycopg") for r in captured), "psycopg's own loggers were not captured"
    texts += [*record_texts(captured), debug_logs.text]
    assert leaks(texts) == []


def test_the_search_finds_a_deliberate_leak(debug_logs: pytest.LogCaptureFixture) -> None:
    secret = Secret(SECRET_A)
    logging.getLogger("test.careless").debug("oops %s", secret.reveal())
    found = leaks(record_texts(debug_logs.records))
    assert found
    assert found[0] == (SECRET_A, f"oops {SECRET_A}")
    assert leaks([repr(ValueError(secret.reveal()))])
