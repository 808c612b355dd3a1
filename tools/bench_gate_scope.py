#!/usr/bin/env python3
"""Measure the catalog gates with the project-schema scope as a view, side by side.

The 9x gates read the project's schemas from the view tests.project_schemas
(00_test_helpers). It replaced a SQL function without a pinned search_path,
which the planner could inline; pinning its search_path (what Supabase's
advisor asks of every function) stops the inlining. This prints, for every
gate, the median time with the view, with an inlinable function, and with a
function that pins its search_path, measured interleaved on one cluster.

Usage: python tools/bench_gate_scope.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psycopg

from harness.cluster import install_platform, start_cluster
from harness.pgtap import run_files
from harness.reset import apply_builtin, install_pgtap
from run_pgtap import ROOT

TESTS = ROOT / "supabase" / "tests"
SCOPE = "from tests.project_schemas as s;"
# name: (SQL run after the helpers are installed, what the gates read instead of the view)
VARIANTS = {
    "view": ("", SCOPE),
    "inlinable function": (
        "create function tests.scope_inlined() returns table (oid oid, nspname name) language sql stable "
        "as 'select s.oid, s.nspname from tests.project_schemas as s'",
        "from tests.scope_inlined() as s;",
    ),
    "function with search_path": (
        "create function tests.scope_pinned() returns table (oid oid, nspname name) language sql stable "
        "set search_path = '' as 'select s.oid, s.nspname from tests.project_schemas as s'",
        "from tests.scope_pinned() as s;",
    ),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="repetitions per gate and variant (default 15)")
    args = parser.parse_args(argv)
    gates = sorted(p for p in TESTS.glob("9*_gates.test.sql") if SCOPE in p.read_text())
    with tempfile.TemporaryDirectory() as tmp, start_cluster() as cluster:
        install_platform(cluster)
        apply_builtin(cluster.url(), ROOT)
        install_pgtap(cluster.admin_url)
        run_files(cluster.url(), [TESTS / "00_test_helpers.test.sql"], [], jobs=1)
        files: dict[tuple[str, str], Path] = {}
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            for name, (sql, scope) in VARIANTS.items():
                if sql:
                    conn.execute(sql)  # our own constant
                for gate in gates:
                    copy = Path(tmp) / name.replace(" ", "_") / gate.name
                    copy.parent.mkdir(exist_ok=True)
                    copy.write_text(gate.read_text().replace(SCOPE, scope))
                    files[name, gate.name] = copy
        print(f"{len(gates)} gates, {args.runs} runs each, interleaved; median ms\n")
        print(f"{'gate':<26}" + "".join(f"{name:>28}" for name in VARIANTS) + f"{'view / inlinable':>18}")
        for gate in gates:
            samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
            for _ in range(args.runs):
                for name in VARIANTS:
                    started = time.perf_counter()
                    results = run_files(cluster.url(), [], [files[name, gate.name]], jobs=1)
                    samples[name].append(time.perf_counter() - started)
                    if not all(r.passed for r in results):
                        print(f"{gate.name} failed with the {name}", file=sys.stderr)
                        return 1
            medians = {name: statistics.median(s) * 1000 for name, s in samples.items()}
            print(
                f"{gate.name:<26}"
                + "".join(f"{medians[name]:>28.1f}" for name in VARIANTS)
                + f"{medians['view'] / medians['inlinable function']:>17.2f}x"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
