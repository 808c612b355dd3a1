#!/usr/bin/env python3
"""Benchmark the pgTAP harness and print a table of medians.

1. Cold embedded run: `python tools/run_pgtap.py` end to end (start cluster,
   platform layer, reset, every test file, teardown), as a subprocess.
2. pgTAP execution on one already-reset cluster, side by side in one run: the
   harness (default 2 jobs, and 1 job) against `pg_prove` (1 job, and -j 2) on
   the same files. Verdicts must be identical or the benchmark fails.

Usage: python tools/bench.py [--runs 7]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

from harness.cluster import install_platform, start_cluster
from harness.pgtap import run_files
from harness.reset import apply_builtin, install_pgtap
from run_pgtap import ROOT, select_tests

T = TypeVar("T")


def timed(fn: Callable[[], T], runs: int) -> tuple[list[float], T]:
    samples: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        last = fn()
        samples.append(time.perf_counter() - started)
    return samples, last


def pg_prove_runner(url: str, files: list[str], jobs: int) -> Callable[[], dict[str, bool]]:
    pg_prove = shutil.which("pg_prove")
    if pg_prove is None:
        sys.exit("pg_prove not found: apt-get install -y libtap-parser-sourcehandler-pgtap-perl")
    parts = urlsplit(url)
    env = dict(
        os.environ,
        PGHOST=parts.hostname or "",
        PGPORT=str(parts.port),
        PGUSER=parts.username or "",
        PGPASSWORD=parts.password or "",
        PGDATABASE=parts.path.lstrip("/"),
    )

    def run() -> dict[str, bool]:
        cmd = [pg_prove, "-j", str(jobs), "--ext", ".pg", "--ext", ".sql", *files]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        verdicts: dict[str, bool] = {}
        for line in proc.stdout.splitlines():
            head, _, tail = line.partition(" ..")
            if head in files:
                verdicts[head] = tail.lstrip(".").strip().startswith("ok")
        return verdicts

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, help="repetitions per measurement (default 7)")
    args = parser.parse_args(argv)

    rows: list[tuple[str, list[float]]] = []
    cold, _ = timed(
        lambda: subprocess.run(
            [sys.executable, str(ROOT / "tools" / "run_pgtap.py")], capture_output=True, check=True, cwd=ROOT
        ),
        args.runs,
    )
    rows.append(("cold embedded run (start, platform, reset, all tests, teardown)", cold))

    setup, tests = select_tests(ROOT, [])
    files = [p.relative_to(ROOT).as_posix() for p in setup + tests]
    with start_cluster() as cluster:
        install_platform(cluster)
        apply_builtin(cluster.url(), ROOT)
        install_pgtap(cluster.admin_url)
        url = cluster.url()
        harness_verdicts: dict[str, bool] = {}
        for jobs in (2, 1):
            samples, results = timed(functools.partial(run_files, url, setup, tests, jobs=jobs), args.runs)
            harness_verdicts = {r.path.relative_to(ROOT).as_posix(): r.passed for r in results}
            rows.append((f"pgTAP execution: harness, {jobs} job{'s' if jobs > 1 else ''}", samples))
        for jobs in (1, 2):
            samples, verdicts = timed(pg_prove_runner(url, files, jobs), args.runs)
            rows.append((f"pgTAP execution: pg_prove -j {jobs}", samples))
            if verdicts != harness_verdicts:
                print(f"verdicts differ:\n  harness  {harness_verdicts}\n  pg_prove {verdicts}", file=sys.stderr)
                return 1

    print(f"{len(files)} test files, {args.runs} runs each, {os.cpu_count()} CPUs\n")
    print(f"{'measurement':<68} {'median':>8} {'min':>8} {'max':>8}")
    for label, samples in rows:
        print(f"{label:<68} {statistics.median(samples):>7.3f}s {min(samples):>7.3f}s {max(samples):>7.3f}s")
    medians = {label: statistics.median(samples) for label, samples in rows}
    harness = medians["pgTAP execution: harness, 2 jobs"]
    print(f"\npg_prove -j 1 / harness (2 jobs): {medians['pgTAP execution: pg_prove -j 1'] / harness:.1f}x")
    print(f"pg_prove -j 2 / harness (2 jobs): {medians['pgTAP execution: pg_prove -j 2'] / harness:.1f}x")
    print("verdicts: identical for every file")
    return 0


if __name__ == "__main__":
    sys.exit(main())
