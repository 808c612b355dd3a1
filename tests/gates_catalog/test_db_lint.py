"""`supabase db lint --level warning --fail-on warning` (plpgsql_check): clean on this repository, and a
plpgsql problem in a migration fails both the lint and `run_pgtap.py --db-lint`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from gate_helpers import ROOT, admin_url, project_with

from harness import postgres
from harness.dblint import CheckUnavailable, db_lint, install_plpgsql_check
from harness.reset import apply_builtin

# A reference to a column that does not exist: an error.
ERROR_FUNCTION = """
create function private.gate_probe_error()
returns bigint
language plpgsql
stable
set search_path = ''
as $$
begin
    return (select pg_catalog.count(*) from pg_catalog.pg_class as c where c.no_such_column);
end;
$$;
"""

# An unused variable: only a warning, which --fail-on warning also fails on.
WARNING_FUNCTION = """
create function private.gate_probe_warning()
returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
    v_unused integer;
begin
    return (select pg_catalog.count(*) from pg_catalog.pg_class);
end;
$$;
"""


def lint_database(cluster, url: str):
    try:
        install_plpgsql_check(admin_url(cluster, urlsplit(url).path.lstrip("/")), cluster.major)
    except CheckUnavailable as exc:
        pytest.skip(f"supabase db lint NOT RUN on {cluster.server}: {exc}")
    return db_lint(url, ROOT)


def test_db_lint_finds_nothing_in_this_repository(cluster, platform_db) -> None:
    url = platform_db()
    apply_builtin(url, ROOT, seed=False)
    result = lint_database(cluster, url)
    assert result.passed, "\n".join(map(str, result.findings))


def test_db_lint_reports_a_bad_plpgsql_function(cluster, platform_db, tmp_path: Path) -> None:
    url = platform_db()
    bad = {"29991231000000_deliberately_bad.sql": ERROR_FUNCTION + WARNING_FUNCTION}
    apply_builtin(url, project_with(tmp_path, bad), seed=False)
    result = lint_database(cluster, url)
    assert not result.passed
    found = {(f.function, f.level, f.message) for f in result.findings}
    assert found == {
        ("private.gate_probe_error", "error", "column c.no_such_column does not exist"),
        ("private.gate_probe_warning", "warning", 'unused variable "v_unused"'),
    }


def run_harness(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_pgtap.py"), "--project", str(project), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


PASSING_TEST = "begin;\nselect plan(1);\nselect ok(true, 'T-01: passes');\nselect * from finish();\nrollback;\n"


def test_run_pgtap_db_lint_fails_the_run_on_a_finding(make_project) -> None:
    project = make_project(
        migrations={"20260101000000_private.sql": "create schema private;\n" + WARNING_FUNCTION},
        tests={"01_passes.test.sql": PASSING_TEST},
        with_cli=True,
    )
    # plpgsql_check, and so the lint, exists only for 15 here.
    proc = run_harness(project, "--db-lint", "--postgres", "15")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "pgtap: 1 passed, 0 failed on PostgreSQL 15." in proc.stdout
    assert 'db lint: private.gate_probe_warning: warning: unused variable "v_unused"' in proc.stdout
    assert "db lint: 1 finding(s) on PostgreSQL 15." in proc.stdout


def test_run_pgtap_db_lint_passes_a_clean_project(make_project) -> None:
    clean = WARNING_FUNCTION.replace("    v_unused integer;\n", "")
    project = make_project(
        migrations={"20260101000000_private.sql": "create schema private;\n" + clean},
        tests={"01_passes.test.sql": PASSING_TEST},
        with_cli=True,
    )
    proc = run_harness(project, "--db-lint", "--postgres", "15")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "db lint: clean" in proc.stdout


def test_db_lint_needs_a_reset(tmp_path: Path) -> None:
    proc = run_harness(tmp_path, "--db-url", "postgresql://127.0.0.1:1/none", "--no-reset", "--db-lint")
    assert proc.returncode == 2
    assert "--db-lint" in proc.stderr


def test_run_pgtap_db_lint_on_17_says_it_did_not_run(make_project) -> None:
    """On 17 the lint cannot run: the run names the check as not run and never reports it clean."""
    if not (postgres.embedded_root() / "bin" / "postgres").exists():
        pytest.skip("PostgreSQL 17 is not installed here: bash tools/dev.sh setup")
    project = make_project(
        migrations={"20260101000000_private.sql": "create schema private;\n" + WARNING_FUNCTION},
        tests={"01_passes.test.sql": PASSING_TEST},
        with_cli=True,
    )
    proc = run_harness(project, "--db-lint", "--postgres", "17")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "db lint: NOT RUN on PostgreSQL 17." in proc.stdout
    assert "clean" not in proc.stdout
