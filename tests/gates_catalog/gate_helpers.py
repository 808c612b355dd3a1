"""Helpers shared by the gate tests: running one pgTAP file and reading its verdicts."""

from __future__ import annotations

from harness.pgtap import FileResult, run_files
from support.migrations import install_test_helpers, project_with
from support.paths import ROOT, SQL_TESTS

TESTS = SQL_TESTS
__all__ = ["ROOT", "TESTS", "failing_ids", "install_test_helpers", "project_with", "run_gate_file"]


def run_gate_file(url: str, name: str) -> FileResult:
    """Run one supabase/tests file against ``url`` with the harness, as run_pgtap.py does."""
    [result] = run_files(url, [], [TESTS / name], jobs=1)
    return result


def failing_ids(result: FileResult) -> set[str]:
    """IDs (the text before the first colon) of the assertions that failed."""
    return {a.description.split(":", 1)[0] for a in result.assertions if not a.passed}
