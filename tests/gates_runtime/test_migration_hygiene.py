"""Migration hygiene gate: released migrations are immutable, names and order are sane,
and squawk makes every migration set lock_timeout and statement_timeout.

Each rule is shown to fail on a copy of the real migrations with one deliberate fault.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import check_migrations
from harness.venv_tools import VENV_BIN, venv_tool

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = ROOT / "supabase" / "migrations"
MANIFEST = ROOT / "supabase" / "migrations.sha256"
TIMEOUT_RULES = {"require-lock-timeout", "require-statement-timeout"}
GOOD_HEADER = "-- A new migration.\nset local lock_timeout = '5s';\nset local statement_timeout = '60s';\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this repo's released migrations and its manifest."""
    folder = tmp_path / "supabase" / "migrations"
    folder.mkdir(parents=True)
    for name in check_migrations.check(ROOT).released:
        shutil.copy(MIGRATIONS / name, folder / name)
    shutil.copy(MANIFEST, tmp_path / "supabase" / "migrations.sha256")
    return tmp_path


def run(project: Path, *args: str) -> tuple[int, str]:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "check_migrations.py"), "--root", str(project), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def newest(project: Path) -> Path:
    return sorted((project / "supabase" / "migrations").glob("*.sql"))[-1]


def test_repo_is_clean() -> None:
    """Released migrations are unchanged and new ones are well named and ordered (release them when merging)."""
    report = check_migrations.check(ROOT)
    assert report.problems == []
    assert sorted([*report.released, *report.pending]) == sorted(p.name for p in MIGRATIONS.iterdir())
    assert len(report.released) >= 23
    code, out = run(ROOT)
    assert code == 0, out


def test_changed_released_migration_fails(project: Path) -> None:
    path = project / "supabase" / "migrations" / "20261127100200_organizations_and_members.sql"
    path.write_text(path.read_text() + "\n-- an innocent-looking edit\n")
    code, out = run(project)
    assert code == 1
    assert "20261127100200_organizations_and_members.sql: released migration changed" in out


def test_whitespace_only_change_fails(project: Path) -> None:
    path = newest(project)
    assert path.name in check_migrations.check(project).released
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))
    code, out = run(project)
    assert code == 1
    assert "released migration changed" in out


def test_disappeared_released_migration_fails(project: Path) -> None:
    (project / "supabase" / "migrations" / "20261127100100_set_updated_at_trigger.sql").unlink()
    code, out = run(project)
    assert code == 1
    assert "20261127100100_set_updated_at_trigger.sql: released migration disappeared" in out


@pytest.mark.parametrize(
    "name",
    [
        "2099010100000_thirteen_digits.sql",
        "209901010000000_fifteen_digits.sql",
        "20990101000000_Upper_Case.sql",
        "20990101000000-dash.sql",
        "20990101000000_dash-in-name.sql",
        "20990101000000_.sql",
        "20990101000000_no_extension",
        "20990101000000_wrong_extension.SQL",
        "add_without_version.sql",
    ],
)
def test_badly_named_file_fails(project: Path, name: str) -> None:
    (project / "supabase" / "migrations" / name).write_text(GOOD_HEADER)
    code, out = run(project)
    assert code == 1
    assert f"{name}: name must match" in out


def test_duplicate_version_fails(project: Path) -> None:
    (project / "supabase" / "migrations" / "20990101000000_first.sql").write_text(GOOD_HEADER)
    (project / "supabase" / "migrations" / "20990101000000_second.sql").write_text(GOOD_HEADER)
    code, out = run(project)
    assert code == 1
    assert "version 20990101000000 is used by 2 files" in out


def test_duplicate_of_released_version_fails(project: Path) -> None:
    (project / "supabase" / "migrations" / "20261127100000_same_version.sql").write_text(GOOD_HEADER)
    code, out = run(project)
    assert code == 1
    assert "version 20261127100000 is used by 2 files" in out


def test_new_file_sorting_before_released_fails(project: Path) -> None:
    (project / "supabase" / "migrations" / "20261127100150_backdated.sql").write_text(GOOD_HEADER)
    code, out = run(project)
    assert code == 1
    assert "20261127100150_backdated.sql: new migration sorts before the released" in out


def test_malformed_manifest_fails(project: Path) -> None:
    manifest = project / "supabase" / "migrations.sha256"
    lines = manifest.read_text().splitlines()
    manifest.write_text("\n".join([*lines, lines[0], "not a line"]) + "\n")
    code, out = run(project)
    assert code == 1
    assert "is listed twice" in out
    assert "not a `<sha256>  migrations/<file>` line" in out


def test_release_records_new_files_then_protects_them(project: Path) -> None:
    new = project / "supabase" / "migrations" / "20990101000000_new_concern.sql"
    new.write_text(GOOD_HEADER)
    code, out = run(project)
    assert (code, "1 new (release with --release)" in out) == (0, True), out
    code, out = run(project, "--strict")
    assert code == 1
    assert "20990101000000_new_concern.sql: not released" in out

    code, out = run(project, "--release")
    assert code == 0
    assert "released 20990101000000_new_concern.sql" in out
    assert run(project, "--strict")[0] == 0

    new.write_text(GOOD_HEADER + "select 1;\n")
    code, out = run(project)
    assert code == 1
    assert "20990101000000_new_concern.sql: released migration changed" in out


def test_release_refuses_while_there_are_problems(project: Path) -> None:
    (project / "supabase" / "migrations" / "20261127100150_backdated.sql").write_text(GOOD_HEADER)
    before = (project / "supabase" / "migrations.sha256").read_text()
    code, _ = run(project, "--release")
    assert code == 1
    assert (project / "supabase" / "migrations.sha256").read_text() == before


# squawk: lock_timeout and statement_timeout -------------------------------------------------------


def squawk(path: Path) -> set[str]:
    squawk_bin = venv_tool("squawk")
    if squawk_bin is None:
        pytest.fail(f"squawk is not installed in {VENV_BIN}: pip install -e '.[dev]'")
    proc = subprocess.run(
        [squawk_bin, "--config", str(ROOT / ".squawk.toml"), "--reporter", "json", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return {finding["rule_name"] for finding in json.loads(proc.stdout or "[]")}


def test_squawk_config_keeps_the_timeout_rules_on() -> None:
    config = tomllib.loads((ROOT / ".squawk.toml").read_text())
    assert config.get("assume_in_transaction") is True
    assert not TIMEOUT_RULES & set(config.get("excluded_rules", []))


@pytest.mark.parametrize(
    "statement",
    [
        "alter table public.organizations add column note text;",
        "alter table public.organization_integrations alter column display_name set not null;",
        "create index organizations_name_idx on public.organizations (name);",
    ],
)
def test_squawk_rejects_a_migration_that_locks_without_timeouts(tmp_path: Path, statement: str) -> None:
    bad = tmp_path / "20990101000000_no_timeouts.sql"
    bad.write_text(f"-- Deliberately bad: takes a lock on an existing table without timeouts.\n{statement}\n")
    assert squawk(bad) >= TIMEOUT_RULES

    half = tmp_path / "20990101000001_statement_timeout_only.sql"
    half.write_text(f"set local statement_timeout = '60s';\n{statement}\n")
    assert "require-lock-timeout" in squawk(half)

    good = tmp_path / "20990101000002_with_timeouts.sql"
    good.write_text(f"{GOOD_HEADER}{statement}\n")
    assert not TIMEOUT_RULES & squawk(good)
