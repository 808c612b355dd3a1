#!/usr/bin/env python3
"""Check that released migrations never change, and that new ones are named and ordered to be applied.

A migration is released once its sha256 is in supabase/migrations.sha256 (the
format of `sha256sum`, so `cd supabase && sha256sum -c migrations.sha256` checks
it too). The check fails when:

* a released migration changed (add a new migration instead) or disappeared;
* a file in supabase/migrations is not named ^\\d{14}_[a-z0-9_]+\\.sql$ (the
  Supabase CLI skips or misorders such files silently);
* two files share a version (the 14-digit prefix);
* a new, unreleased file sorts before the newest released one: databases that
  already ran the newer migrations would never apply it;
* the manifest itself is malformed or lists a name twice.

    python tools/check_migrations.py            # check; exit 0 clean, 1 with findings
    python tools/check_migrations.py --strict   # also fail while a migration is not yet released (main/CI)
    python tools/check_migrations.py --release  # check, then record every new file as released

Release in the same commit that merges the migration. Exit 2: usage or I/O problem.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAME = re.compile(r"^(\d{14})_[a-z0-9_]+\.sql$")
MANIFEST_LINE = re.compile(r"^([0-9a-f]{64}) [ *]migrations/(\S+)$")
MANIFEST = Path("supabase") / "migrations.sha256"
MIGRATIONS = Path("supabase") / "migrations"


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    released: dict[str, str] = field(default_factory=dict)  # name -> sha256, in manifest order
    pending: list[str] = field(default_factory=list)  # unreleased files that may be released


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(path: Path, report: Report) -> None:
    if not path.exists():
        report.problems.append(f"{path}: manifest missing; create it with --release")
        return
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = MANIFEST_LINE.match(line)
        if match is None:
            report.problems.append(f"{path}:{number}: not a `<sha256>  migrations/<file>` line: {line!r}")
            continue
        digest, name = match.groups()
        if name in report.released:
            report.problems.append(f"{path}:{number}: {name} is listed twice")
            continue
        report.released[name] = digest


def check(root: Path) -> Report:
    report = Report()
    folder = root / MIGRATIONS
    read_manifest(root / MANIFEST, report)
    present = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []

    for name, digest in report.released.items():
        path = folder / name
        if not path.is_file():
            report.problems.append(f"{name}: released migration disappeared; restore it (databases already ran it)")
        elif sha256(path) != digest:
            report.problems.append(
                f"{name}: released migration changed (sha256 {sha256(path)[:12]}…, released {digest[:12]}…); "
                "restore it and put the change in a new migration"
            )

    versions: dict[str, list[str]] = {}
    for name in present:
        match = NAME.match(name)
        if match is None:
            report.problems.append(
                f"{name}: name must match ^\\d{{14}}_[a-z0-9_]+\\.sql$ (the CLI skips or misorders it otherwise)"
            )
            continue
        versions.setdefault(match.group(1), []).append(name)
    for version, names in sorted(versions.items()):
        if len(names) > 1:
            report.problems.append(f"version {version} is used by {len(names)} files: {', '.join(names)}")

    newest_released = max((n for n in report.released if NAME.match(n)), default=None)
    for name in present:
        if name in report.released or not NAME.match(name):
            continue
        if newest_released is not None and name < newest_released:
            report.problems.append(
                f"{name}: new migration sorts before the released {newest_released}; databases that ran that "
                "one would never apply it. Rename it with a newer timestamp (npx supabase migration new)"
            )
            continue
        report.pending.append(name)
    return report


def write_manifest(root: Path, names: list[str]) -> None:
    folder = root / MIGRATIONS
    lines = [f"{sha256(folder / name)}  migrations/{name}\n" for name in sorted(names)]
    (root / MANIFEST).write_text("".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=ROOT, help="project root holding supabase/ (default: this repo)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--release", action="store_true", help="record every new migration in the manifest")
    mode.add_argument("--strict", action="store_true", help="also fail when a migration is not released yet")
    args = parser.parse_args(argv)
    if not (args.root / MIGRATIONS).is_dir():
        print(f"error: {args.root / MIGRATIONS} is not a directory", file=sys.stderr)
        return 2

    report = check(args.root)
    if args.release and not (args.root / MANIFEST).exists():
        # First release: nothing to compare against yet.
        report.problems = [p for p in report.problems if "manifest missing" not in p]
    if args.strict:
        report.problems += [f"{name}: not released; run tools/check_migrations.py --release" for name in report.pending]
    for problem in report.problems:
        print(f"check_migrations: {problem}")
    if report.problems:
        print(f"check_migrations: {len(report.problems)} problem(s)")
        return 1

    if args.release:
        if report.pending:
            write_manifest(args.root, [*report.released, *report.pending])
            for name in report.pending:
                print(f"check_migrations: released {name}")
        else:
            print("check_migrations: nothing new to release")
        return 0
    pending = f", {len(report.pending)} new (release with --release)" if report.pending else ""
    print(f"check_migrations: clean: {len(report.released)} released migration(s) unchanged{pending}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
