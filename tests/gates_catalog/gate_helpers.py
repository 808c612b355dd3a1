"""Helpers shared by the gate tests: temporary projects, running one pgTAP file, reading its verdicts."""

from __future__ import annotations

from pathlib import Path

from harness.cluster import SUPERUSER, Cluster
from harness.pgtap import FileResult, run_files

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "supabase" / "tests"


def admin_url(cluster: Cluster, dbname: str) -> str:
    """URL of ``dbname`` as the cluster's superuser (what creates pgTAP and plpgsql_check)."""
    return cluster.url(user=SUPERUSER, password="", dbname=dbname)


def project_with(tmp_path: Path, migrations: dict[str, str]) -> Path:
    """A project tree: this repository's migrations (linked, not copied) plus ``migrations``."""
    folder = tmp_path / "project" / "supabase" / "migrations"
    folder.mkdir(parents=True)
    for path in sorted((ROOT / "supabase" / "migrations").glob("*.sql")):
        (folder / path.name).symlink_to(path)
    for name, text in migrations.items():
        (folder / name).write_text(text)
    return tmp_path / "project"


def install_test_helpers(url: str) -> None:
    """Run the 00_* setup files, which commit the tests schema, as before every suite run."""
    setup = run_files(url, sorted(TESTS.glob("00*.sql")), [], jobs=1)
    assert all(r.passed for r in setup), [r.problems for r in setup]


def run_gate_file(url: str, name: str) -> FileResult:
    """Run one supabase/tests file against ``url`` with the harness, as run_pgtap.py does."""
    [result] = run_files(url, [], [TESTS / name], jobs=1)
    return result


def failing_ids(result: FileResult) -> set[str]:
    """IDs (the text before the first colon) of the assertions that failed."""
    return {a.description.split(":", 1)[0] for a in result.assertions if not a.passed}
