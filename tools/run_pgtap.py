#!/usr/bin/env python3
"""Reset a database like `supabase db reset`, then run the pgTAP suite.

With no arguments: start a throwaway PostgreSQL cluster (15 or 17: --postgres,
default from supabase/config.toml), install the
Supabase platform layer, apply migrations and seed, create pgTAP, run every
.sql file under supabase/tests, print TAP and a summary, tear down.
Exit 0 only if every file ran its whole plan and passed (and, with --db-lint,
`supabase db lint` found nothing).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from harness import postgres
from harness.cluster import DEFAULT_PRIVILEGE_MODES, HarnessError, install_platform, server_name, start_cluster
from harness.dblint import CheckUnavailable, LintResult, db_lint, install_plpgsql_check
from harness.pgtap import FileResult, relative, run_files, write_junit
from harness.reset import SqlFailure, apply_builtin, install_pgtap, reset_with_cli

ROOT = Path(__file__).resolve().parents[1]
_PG_PROVE_LINE = re.compile(r"^(?P<path>\S+\.(?:sql|pg)) \.+ ?(?P<verdict>.*)$")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="test files or glob patterns (default: all of supabase/tests)")
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="project root holding supabase/ (default: this repo)"
    )
    parser.add_argument(
        "--postgres",
        type=int,
        choices=postgres.SUPPORTED,
        help="PostgreSQL major version of the throwaway cluster (default: $PGTAP_POSTGRES, else [db] major_version "
        "in supabase/config.toml)",
    )
    parser.add_argument("--db-url", help="run against this existing database instead of a throwaway cluster")
    parser.add_argument("--no-reset", action="store_true", help="with --db-url: do not reset the database first")
    parser.add_argument(
        "--reset-with",
        choices=("builtin", "cli"),
        help="how to reset: the built-in applier (default for the throwaway cluster) or the real "
        "`supabase db reset` (default, and the only choice, with --db-url)",
    )
    parser.add_argument(
        "--default-privileges",
        choices=DEFAULT_PRIVILEGE_MODES,
        default=os.environ.get("PGTAP_DEFAULT_PRIVILEGES", "legacy"),
        help="default-privilege mode of the platform layer: legacy (pre-2026-10-30 Supabase: ALL to the API "
        "roles) or modern (nothing). Env: PGTAP_DEFAULT_PRIVILEGES",
    )
    parser.add_argument(
        "--service-role-vault",
        choices=("none", "granted"),
        default=os.environ.get("PGTAP_SERVICE_ROLE_VAULT", "none"),
        help="Vault grants of service_role, which differ between Supabase images: none (the stricter, default) "
        "or granted (usage, select, delete and the Vault functions). Env: PGTAP_SERVICE_ROLE_VAULT",
    )
    parser.add_argument(
        "--parity", action="store_true", help="also run pg_prove on the same files and compare verdicts"
    )
    parser.add_argument(
        "--db-lint",
        action="store_true",
        help="also run `supabase db lint --level warning --fail-on warning` (plpgsql_check) on the reset database, "
        "before pgTAP is created, and on the `tests` schema the helpers leave behind; any finding fails the run",
    )
    parser.add_argument("--junit", type=Path, help="write JUnit XML here")
    parser.add_argument("--keep", action="store_true", help="leave the throwaway cluster running and print its URL")
    parser.add_argument("--port", type=int, help="port for the throwaway cluster (default: a free one)")
    parser.add_argument("--jobs", type=int, default=2, help="test files run in parallel (default 2)")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every file's TAP output")
    args = parser.parse_args(argv)
    if args.db_url and args.reset_with == "builtin":
        parser.error("--reset-with builtin needs the throwaway cluster; an existing database is reset with the CLI")
    if args.postgres and args.db_url:
        parser.error("--postgres picks the throwaway cluster's version; with --db-url the database's own version runs")
    if args.no_reset and not args.db_url:
        parser.error("--no-reset only applies with --db-url")
    if args.db_lint and args.no_reset:
        parser.error("--db-lint lints the freshly reset database; it cannot be combined with --no-reset")
    return args


def select_tests(project: Path, patterns: list[str]) -> tuple[list[Path], list[Path]]:
    """Return (setup files, test files). Files named 00* under supabase/tests always run first."""
    tests_dir = project / "supabase" / "tests"
    everything = sorted(p for p in tests_dir.rglob("*") if p.suffix in (".sql", ".pg") and p.is_file())
    setup = [p for p in everything if p.name.startswith("00")]
    if not patterns:
        chosen = everything
    else:
        chosen = []
        for pattern in patterns:
            candidate = Path(pattern)
            if candidate.is_file():
                matches = [candidate]
            else:
                matches = sorted(Path().glob(pattern)) or sorted(tests_dir.glob(pattern))
            if not matches:
                raise HarnessError(f"no test file matches {pattern!r}")
            chosen.extend(m.resolve() for m in matches if m.resolve() not in chosen)
    setup_resolved = [p.resolve() for p in setup]
    return setup_resolved, [p.resolve() for p in chosen if p.resolve() not in setup_resolved]


def report(results: list[FileResult], project: Path, verbose: bool, seconds: float, server: str) -> bool:
    width = max((len(relative(r.path, project)) for r in results), default=0) + 2
    for res in results:
        name = relative(res.path, project)
        verdict = "ok" if res.passed else "FAILED"
        print(f"{name} {'.' * (width - len(name))} {verdict} ({len(res.assertions)} tests, {res.seconds:.2f}s)")
        if verbose:
            for line in res.lines:
                print(f"    {line}")
        elif not res.passed:
            for a in res.assertions:
                if not a.passed:
                    print(f"    not ok {a.number} - {a.description}")
                    for d in a.diagnostics:
                        print(f"    {d}")
        for problem in res.problems:
            print(f"    ! {problem}")
    total = sum(len(r.assertions) for r in results)
    failed = sum(1 for r in results for a in r.assertions if not a.passed)
    bad_files = [r for r in results if not r.passed]
    print(f"Files={len(results)}, Tests={total}, {seconds:.2f}s, on {server}")
    print(f"Result: {'PASS' if not bad_files else 'FAIL'} on {server}")
    # A file that broke without a failing assertion (SQL error, short plan) counts as one failure.
    broken = sum(1 for r in bad_files if all(a.passed for a in r.assertions))
    print(f"pgtap: {total - failed} passed, {failed + broken} failed on {server}")
    return not bad_files


def report_lint(result: LintResult | str, server: str, label: str = "db lint") -> bool:
    """Print the lint verdict; a string is why the check could not run (reported, not passed)."""
    if isinstance(result, str):
        print(f"{label}: NOT RUN on {server}: {result}")
        return True
    for finding in result.findings:
        print(f"{label}: {finding}")
    print(f"{label}: {'clean' if result.passed else f'{len(result.findings)} finding(s)'} on {server}")
    return result.passed


def pg_prove_parity(url: str, project: Path, results: list[FileResult]) -> bool:
    """Run pg_prove (what `supabase test db` runs) over the same files and compare per-file verdicts."""
    pg_prove = shutil.which("pg_prove")
    if pg_prove is None:
        raise HarnessError(
            "pg_prove not found. Install it:\n  apt-get install -y libtap-parser-sourcehandler-pgtap-perl"
        )
    parts = urlsplit(url)
    env = dict(
        os.environ,
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=parts.username or "postgres",
        PGPASSWORD=parts.password or "",
        PGDATABASE=parts.path.lstrip("/") or "postgres",
    )
    files = [relative(r.path, project) for r in results]
    proc = subprocess.run(
        [pg_prove, "--ext", ".pg", "--ext", ".sql", *files],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    theirs: dict[str, bool] = {}
    for line in proc.stdout.splitlines():
        match = _PG_PROVE_LINE.match(line.strip())
        if match:
            theirs[match["path"]] = match["verdict"].strip().startswith("ok")
    agree = True
    for res, name in zip(results, files, strict=True):
        if theirs.get(name) != res.passed:
            agree = False
            print(
                f"parity: {name}: harness says {'pass' if res.passed else 'fail'}, pg_prove says "
                f"{ {True: 'pass', False: 'fail', None: 'nothing'}[theirs.get(name)] }"
            )
    print(
        f"parity: pg_prove and the harness agree on {sum(1 for n in files if theirs.get(n) is not None)} of "
        f"{len(files)} files"
        if agree
        else "parity: MISMATCH between pg_prove and the harness"
    )
    if not agree:
        print(proc.stdout[-4000:], proc.stderr[-2000:], sep="\n")
    return agree


def run(args: argparse.Namespace) -> int:
    project = args.project.resolve()
    setup, tests = select_tests(project, args.paths)
    started = time.perf_counter()
    cluster = None
    try:
        lint: LintResult | str | None = None
        if args.db_url:
            url = args.db_url
            server = server_name(url)
            if not args.no_reset:
                reset_with_cli(url, project)
            # On Supabase the CLI creates plpgsql_check itself.
            if args.db_lint:
                lint = db_lint(url, project)
            install_pgtap(url)
        else:
            cluster = start_cluster(port=args.port, major=args.postgres)
            install_platform(cluster, args.default_privileges, service_role_vault=args.service_role_vault == "granted")
            url = cluster.url()
            server = cluster.server
            if args.reset_with == "cli":
                reset_with_cli(url, project)
            else:
                apply_builtin(url, project)
            if args.db_lint:
                try:
                    install_plpgsql_check(cluster.admin_url, cluster.major)
                    lint = db_lint(url, project)
                except CheckUnavailable as exc:
                    lint = str(exc)
            install_pgtap(cluster.admin_url)
        results = run_files(url, setup, tests, jobs=args.jobs)
        ok = report(results, project, args.verbose, time.perf_counter() - started, server)
        if lint is not None:
            ok = report_lint(lint, server) and ok
            if not isinstance(lint, str):
                # The helpers stay in the database (as after `supabase test db`): they must lint clean too.
                ok = report_lint(db_lint(url, project, schemas=["tests"]), server, "db lint (tests schema)") and ok
        if args.junit:
            write_junit(results, args.junit, project, server)
        if args.parity:
            ok = pg_prove_parity(url, project, results) and ok
        if cluster is not None and args.keep:
            cluster.detach()
            print(f"cluster kept running: {url}\nstop it with: {cluster.stop_hint}")
        return 0 if ok else 1
    finally:
        if cluster is not None:
            cluster.stop()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except SqlFailure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
