"""The example worker (examples/sync_worker.py) against the embedded database and the local fake external system:
as service_role it lists org A's active integrations, retrieves each credential and calls the fake with it. The
fake receives the right credential for each provider; the worker's output and logs (DEBUG) never contain one, and
a refused credential is reported without stopping the others. Run both in-process and as a script.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from repo_world import A_ACTIVE, A_IDLE, B_ACTIVE, ORG_A, ROOT, SECRET_A, SECRET_B, World, as_postgres

from org_integrations.repository import OrganizationIntegrationRepository

EXAMPLES = ROOT / "examples"
HUBSPOT_STORED = "hs_live_stale-0b1e77c3-NEVER-LOG"
HUBSPOT_EXPECTED = "hs_live_current-5f9d20aa-NEVER-LOG"
PLAINTEXTS = (SECRET_A, SECRET_B, HUBSPOT_STORED, HUBSPOT_EXPECTED)

Repo = Callable[[str], OrganizationIntegrationRepository]


@pytest.fixture
def examples(monkeypatch: pytest.MonkeyPatch) -> tuple[ModuleType, ModuleType]:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    import fake_external_system
    import sync_worker

    return sync_worker, fake_external_system


def retrieve_count(world: World) -> int:
    row = as_postgres(
        world.url,
        "select pg_catalog.count(*) from public.credential_audit as a "
        "where a.action_name = 'retrieve' and a.actor_role = 'service_role' and a.organization_id = %s",
        ORG_A,
    )
    assert row is not None
    return int(row[0])


def test_worker_in_process(
    examples: tuple[Any, Any],
    repo: Repo,
    world: World,
    debug_logs: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sync_worker, fake_external_system = examples
    # A second active integration in org A whose stored credential the provider no longer accepts.
    admin = repo("admin_a")
    admin.store_credential(A_IDLE, HUBSPOT_STORED)
    admin.set_status(A_IDLE, "active")

    tokens = {"salesforce": SECRET_A, "hubspot": HUBSPOT_EXPECTED}
    with fake_external_system.FakeExternalSystem(tokens) as fake:
        code = sync_worker.main(["--db-url", world.url, "--organization-id", str(ORG_A), "--external-url", fake.url])
        calls = list(fake.calls)

    assert code == 1  # one integration failed
    fp = fake_external_system.fingerprint
    assert sorted(calls, key=lambda c: c.provider) == [
        fake_external_system.Call("hubspot", False, fp(HUBSPOT_STORED)),
        fake_external_system.Call("salesforce", True, fp(SECRET_A)),
    ]
    assert fp(SECRET_B) not in {c.token_sha256 for c in calls}  # org B was never touched
    assert retrieve_count(world) == 2

    out, err = capsys.readouterr()
    assert f"{A_ACTIVE} salesforce: 3 records" in out
    assert f"{A_IDLE} hubspot: failed (hubspot: HTTP 401)" in out
    assert str(B_ACTIVE) not in out
    logged = [r.getMessage() for r in debug_logs.records] + [repr(r.args) for r in debug_logs.records]
    assert any("retrieve_credential as service_role" in text for text in logged)
    for text in [out, err, debug_logs.text, *logged]:
        for plain in PLAINTEXTS:
            assert plain not in text


def test_worker_refuses_a_non_service_identity(examples: tuple[Any, Any], repo: Repo) -> None:
    sync_worker, _ = examples
    client = sync_worker.ExternalSystemClient("http://127.0.0.1:9")
    with pytest.raises(ValueError, match="service_role"):
        sync_worker.run_sync(repo("admin_a"), ORG_A, client)


def test_worker_as_a_script(world: World) -> None:
    """The script as a user would run it, with its own local fake and DEBUG logging of every library."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    completed = subprocess.run(
        [sys.executable, str(EXAMPLES / "sync_worker.py"), "--organization-id", str(ORG_A), "--verbose"],
        env={**env, "DATABASE_URL": world.url},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert f"{A_ACTIVE} salesforce: 3 records" in completed.stdout
    assert "1 of 1 active integrations synced" in completed.stdout
    assert "DEBUG org_integrations.repository" in completed.stderr
    for plain in PLAINTEXTS:
        assert plain not in completed.stdout
        assert plain not in completed.stderr
