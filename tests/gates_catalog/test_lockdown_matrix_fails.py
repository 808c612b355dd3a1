"""The lockdown matrix (39_lockdown_matrix) fails when the lockdown is not enforced, and only in the cells it should.

Each case applies one deliberately bad migration to a clone of the migrated database, runs the matrix file
with the harness, and checks that cells of the locked states fail while every cell of the states without a
lockdown still passes: the matrix tells a missing restrictive policy or a function that skips the check from a
broken world. On this repository alone, the matrix passes (the pgTAP suite runs it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from gate_helpers import run_gate_file

from support.migrations import apply_extra

BAD_MIGRATION = "29991231000000_lockdown_sabotaged.sql"
MATRIX = "39_lockdown_matrix.test.sql"

CASES = {
    # A restrictive policy dropped: locked-down organizations' integrations become readable again.
    "select_policy_dropped": (
        "drop policy organization_integrations_lockdown_select_policy on public.organization_integrations;",
        "integrations.select",
    ),
    # The credential functions' authorization forgets the lockdown: admins manage credentials while locked.
    "credential_check_skips_the_lockdown": (
        """create or replace function private.credential_caller_may_manage(p_organization_id uuid)
returns boolean language sql stable set search_path = pg_catalog, pg_temp as $$
    select private.credential_caller_is_privileged() or (
        private.credential_request_role() = 'authenticated' and p_organization_id is not null
        and private.has_org_role(p_organization_id, 'admin'));
$$;""",
        "credential_status",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_matrix_fails_when_the_lockdown_is_not_enforced(
    gates_db: Callable[[], str], tmp_path: Path, case: str
) -> None:
    sql, operation = CASES[case]
    url = gates_db()
    assert apply_extra(url, tmp_path, {BAD_MIGRATION: f"-- deliberately bad: {case}\n{sql}\n"}) == [BAD_MIGRATION]

    result = run_gate_file(url, MATRIX)

    assert result.error is None, result.error
    assert len(result.assertions) == result.plan, result.problems
    failed = [a.description for a in result.assertions if not a.passed]
    assert any(operation in d and d.startswith(("LM-LOCKA-", "LM-GLOBAL-")) for d in failed), failed
    # Before any lockdown and after each lift, every answer is still the normal one.
    assert not [d for d in failed if d.startswith(("LM-BASE-", "LM-LIFTA-", "LM-LIFTG-"))], failed
