#!/usr/bin/env python3
"""Lint the project: sqlfluff over migrations, tests, seed and rollbacks; squawk over migrations; ruff.

`python tools/lint.py` lints everything (about 1-2 s per file for sqlfluff);
`python tools/lint.py --changed` lints only files that differ from git HEAD,
which is what you want while working. Exit 0 only with zero findings.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from harness.venv_tools import VENV_BIN, venv_tool

ROOT = Path(__file__).resolve().parents[1]
SQLFLUFF_DIRS = ("supabase/migrations", "supabase/tests", "supabase/rollbacks")
SQLFLUFF_FILES = ("supabase/seed.sql",)
SQUAWK_DIR = "supabase/migrations"


def changed_files() -> set[Path]:
    out = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return {(ROOT / line[3:].split(" -> ")[-1]).resolve() for line in out.splitlines()}


def sql_files(only: set[Path] | None) -> tuple[list[Path], list[Path]]:
    fluff = [p for d in SQLFLUFF_DIRS for p in sorted((ROOT / d).glob("*.sql"))]
    fluff += [ROOT / f for f in SQLFLUFF_FILES if (ROOT / f).exists()]
    squawk = sorted((ROOT / SQUAWK_DIR).glob("*.sql"))
    if only is not None:
        fluff = [p for p in fluff if p.resolve() in only]
        squawk = [p for p in squawk if p.resolve() in only]
    return fluff, squawk


def tool(name: str) -> str:
    found = venv_tool(name)
    if found is None:
        sys.exit(f"error: {name} not found in {VENV_BIN}. Install the dev extras: pip install -e '.[dev]'")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--changed", action="store_true", help="lint only files changed since git HEAD")
    args = parser.parse_args(argv)

    fluff, squawk = sql_files(changed_files() if args.changed else None)
    failures = 0
    if fluff:
        rel = [str(p.relative_to(ROOT)) for p in fluff]
        print(f"sqlfluff: {len(rel)} files", flush=True)
        proc = subprocess.run([tool("sqlfluff"), "lint", "--processes", "2", "--disable-progress-bar", *rel], cwd=ROOT)
        failures += proc.returncode != 0
    if squawk:
        rel = [str(p.relative_to(ROOT)) for p in squawk]
        print(f"squawk: {len(rel)} files", flush=True)
        proc = subprocess.run([tool("squawk"), *rel], cwd=ROOT)
        failures += proc.returncode != 0
    print("ruff: check and format", flush=True)
    failures += subprocess.run([tool("ruff"), "check", "--quiet", "."], cwd=ROOT).returncode != 0
    failures += subprocess.run([tool("ruff"), "format", "--check", "--quiet", "."], cwd=ROOT).returncode != 0
    print("lint: clean" if not failures else "lint: FINDINGS (see above)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
