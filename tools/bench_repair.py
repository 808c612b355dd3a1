#!/usr/bin/env python3
"""Benchmark `org-integrations repair-configs` on a large organization_integrations table.

Starts a throwaway PostgreSQL 15 cluster with the platform layer and every
migration (or uses --db-url, whose data it replaces), then for each repetition
loads --rows integrations (default 100,000) spread over 200 organizations,
--invalid-percent of them (default 10) with documents the schemas reject, as
rows written before the checks existed could hold. It times three runs of the
repair tool, end to end as the command would run them:

  dry run       every row checked, report built, nothing changed
  repair        every row checked, invalid ones reset, audited and notified
  second run    every row checked again, nothing left to do

and prints the median, minimum and maximum of each. It also verifies every
repetition: nothing changed by the dry run, every invalid row audited with its
old documents, nothing found by the second run.

    python tools/bench_repair.py [--rows 100000] [--invalid-percent 10] [--repeat 5]

The helpers that plant invalid rows are in harness/config_rows.py, shared with tests/config_integrity.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from harness.cluster import HarnessError, install_platform, start_cluster  # noqa: E402
from harness.config_rows import checks_not_valid, expected_invalid, load_integrations  # noqa: E402
from harness.reset import apply_builtin  # noqa: E402
from org_integrations.cli.repair_configs import repair  # noqa: E402

# Every migration, but not seed.sql: the benchmark makes its own data.
ALL_MIGRATIONS = "99999999999999"


def reset_data(conn: psycopg.Connection) -> None:
    """Empty the tables the benchmark fills. Commits."""
    conn.execute(
        "truncate public.organization_integrations, public.organization_notifications, "
        "private.integration_config_repairs, public.organizations cascade"
    )
    conn.commit()


def run_once(url: str, rows: int, invalid_percent: int, batch_size: int) -> dict[str, float]:
    with psycopg.connect(url) as conn:
        reset_data(conn)
        with checks_not_valid(conn):
            load_integrations(conn, rows, invalid_percent)
        conn.execute("analyze public.organization_integrations")
        conn.commit()
        before = conn.execute(
            "select pg_catalog.md5(pg_catalog.string_agg(i::text, ',' order by i.id)) "
            "from public.organization_integrations as i"
        ).fetchone()

    timings: dict[str, float] = {}
    started = time.perf_counter()
    dry = repair(url, dry_run=True, batch_size=batch_size)
    timings["dry run"] = time.perf_counter() - started

    with psycopg.connect(url) as conn:
        after_dry = conn.execute(
            "select pg_catalog.md5(pg_catalog.string_agg(i::text, ',' order by i.id)) "
            "from public.organization_integrations as i"
        ).fetchone()
    if after_dry != before:
        raise AssertionError("the dry run changed the table")

    started = time.perf_counter()
    real = repair(url, dry_run=False, batch_size=batch_size)
    timings["repair"] = time.perf_counter() - started

    started = time.perf_counter()
    second = repair(url, dry_run=False, batch_size=batch_size)
    timings["second run"] = time.perf_counter() - started

    expected = expected_invalid(rows, invalid_percent)
    with psycopg.connect(url) as conn:
        (audited,) = conn.execute(
            "select pg_catalog.count(*) from private.integration_config_repairs where repair_run_id = %s",
            [real.run_id],
        ).fetchone() or (0,)
    if not (dry.affected == real.affected == audited == expected and second.affected == 0):
        raise AssertionError(
            f"expected {expected} repairs: dry run {dry.affected}, repair {real.affected}, audit {audited}, "
            f"second run {second.affected}"
        )
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000, help="integrations to load (default 100,000)")
    parser.add_argument("--invalid-percent", type=int, default=10, help="share of invalid rows, 0-100 (default 10)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--batch-size", type=int, default=10_000, help="the tool's batch size (default 10,000)")
    parser.add_argument("--db-url", help="use this database (its organizations and integrations are deleted!)")
    parser.add_argument("--default-privileges", choices=("legacy", "modern"), default="legacy")
    args = parser.parse_args(argv)
    if not 0 <= args.invalid_percent <= 100:
        parser.error("--invalid-percent must be between 0 and 100")

    cluster = None
    try:
        if args.db_url:
            url = args.db_url
        else:
            cluster = start_cluster()
            install_platform(cluster, args.default_privileges)
            url = cluster.url()
            apply_builtin(url, ROOT, upto=ALL_MIGRATIONS)
        results: list[dict[str, float]] = []
        for number in range(1, args.repeat + 1):
            with contextlib.redirect_stdout(io.StringIO()):
                results.append(run_once(url, args.rows, args.invalid_percent, args.batch_size))
            print(
                f"repetition {number}/{args.repeat}: "
                + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in results[-1].items()),
                file=sys.stderr,
            )
    except HarnessError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if cluster is not None:
            cluster.stop()

    invalid = expected_invalid(args.rows, args.invalid_percent)
    print(
        f"repair_integration_configs on {args.rows:,} integrations, {invalid:,} invalid "
        f"({args.invalid_percent}%), batches of {args.batch_size:,}, {args.repeat} repetition(s)"
    )
    print(f"{'run':<12} {'median s':>9} {'min s':>7} {'max s':>7} {'rows/s (median)':>16}")
    for name in results[0]:
        values = [r[name] for r in results]
        median = statistics.median(values)
        print(f"{name:<12} {median:>9.2f} {min(values):>7.2f} {max(values):>7.2f} {args.rows / median:>16,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
