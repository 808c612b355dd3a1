#!/usr/bin/env python3
"""Render the cross-organization grid in docs/credentials.md from the pgTAP matrix, or check that it is current.

supabase/tests/32_cross_org_matrix.test.sql holds the matrix as two VALUES lists
between marker comments: the actors, and one row per operation with the
statement that attempts it and each actor's expected outcome. The test asserts
every denying cell from that table and every other cell by hand; this tool
renders the same table as the Markdown grid between the markers in
docs/credentials.md, so the documentation cannot drift from what is tested.

    python tools/cross_org_grid.py           # check: exit 0 when the grid is current, 1 otherwise
    python tools/cross_org_grid.py --write   # rewrite the grid in docs/credentials.md

The check also fails when a cell that is not a denial has no hand-written
assertion with its ID (XM-<actor>-<NN>), or a denial has one as well.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ROOT / "supabase" / "tests" / "32_cross_org_matrix.test.sql"
DOC = ROOT / "docs" / "credentials.md"

# Outcomes the test's loop asserts; every other outcome is asserted by hand.
DENIALS = frozenset({"42501", "23503", "0 rows", "null"})
DOC_BEGIN = "<!-- cross-org-grid:begin -->"
DOC_END = "<!-- cross-org-grid:end -->"

# The only SQL the two VALUES lists contain: comments, dollar-quoted and
# single-quoted strings, integers, null, and punctuation. A tokenizer this
# small is enough because the lists are data, not arbitrary SQL.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+|--[^\n]*)
    | (?P<dollar>\$(?P<tag>[A-Za-z_]*)\$.*?\$(?P=tag)\$)
    | (?P<string>'(?:[^']|'')*')
    | (?P<number>\d+)
    | (?P<null>null\b)
    | (?P<punct>[(),;])
    """,
    re.VERBOSE | re.DOTALL | re.IGNORECASE,
)

Value = int | str | None


@dataclass(frozen=True)
class Actor:
    code: str
    position: int
    label: str


@dataclass(frozen=True)
class Operation:
    nn: int
    label: str
    attempt: str
    outcomes: tuple[str, ...]  # in actor position order


class GridError(Exception):
    """The matrix cannot be read."""


def _region(text: str, name: str) -> str:
    begin, end = f"-- cross-org-grid:{name}:begin", f"-- cross-org-grid:{name}:end"
    try:
        return text[text.index(begin) + len(begin) : text.index(end)]
    except ValueError as exc:
        raise GridError(f"markers {begin!r} and {end!r} not found in {MATRIX.name}") from exc


def _rows(region: str) -> list[tuple[Value, ...]]:
    """The tuples of the VALUES list in one marked region."""
    match = re.search(r"\bvalues\b", region, re.IGNORECASE)
    if match is None:
        raise GridError("no VALUES list in a marked region")
    rows: list[tuple[Value, ...]] = []
    current: list[Value] | None = None
    position = match.end()
    while position < len(region):
        token = _TOKEN.match(region, position)
        if token is None:
            raise GridError(f"cannot read the VALUES list near {region[position : position + 40]!r}")
        position = token.end()
        kind = token.lastgroup
        text = token.group()
        if kind == "space":
            continue
        if text == "(":
            current = []
        elif text == ")" and current is not None:
            rows.append(tuple(current))
            current = None
        elif text == ";":
            break
        elif current is None:
            continue  # the comma between tuples
        elif kind == "dollar":
            tag = token.group("tag")
            current.append(text[len(tag) + 2 : -(len(tag) + 2)].strip())
        elif kind == "string":
            current.append(text[1:-1].replace("''", "'"))
        elif kind == "number":
            current.append(int(text))
        elif kind == "null":
            current.append(None)
    return rows


def _text(value: Value) -> str:
    if not isinstance(value, str):
        raise GridError(f"expected a string in the matrix, found {value!r}")
    return value


def _int(value: Value) -> int:
    if not isinstance(value, int):
        raise GridError(f"expected an integer in the matrix, found {value!r}")
    return value


def parse(text: str) -> tuple[list[Actor], list[Operation]]:
    """The actors, in position order, and the operations of the matrix."""
    actors = sorted(
        (
            Actor(code=_text(row[0]), position=_int(row[1]), label=_text(row[2]))
            for row in _rows(_region(text, "actors"))
        ),
        key=lambda actor: actor.position,
    )
    operations = [
        Operation(
            nn=_int(row[0]), label=_text(row[1]), attempt=_text(row[2]), outcomes=tuple(_text(v) for v in row[3:])
        )
        for row in _rows(_region(text, "operations"))
    ]
    for operation in operations:
        if len(operation.outcomes) != len(actors):
            raise GridError(f"operation {operation.nn} has {len(operation.outcomes)} outcomes for {len(actors)} actors")
    return actors, operations


def cell_id(actor: Actor, operation: Operation) -> str:
    return f"XM-{actor.code}-{operation.nn:02d}"


def render(actors: list[Actor], operations: list[Operation]) -> str:
    """The grid as Markdown, one row per operation."""
    header = ["#", "operation", *(f"{a.label} ({a.code})" for a in actors)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for op in operations:
        lines.append("| " + " | ".join([f"{op.nn:02d}", op.label, *op.outcomes]) + " |")
    return "\n".join(lines) + "\n"


def id_problems(text: str, actors: list[Actor], operations: list[Operation]) -> list[str]:
    """Cells asserted by hand must be denials' complement, each asserted exactly once."""
    problems: list[str] = []
    for op in operations:
        for actor, outcome in zip(actors, op.outcomes, strict=True):
            ident = cell_id(actor, op)
            written = len(re.findall(rf"'{re.escape(ident)}:", text))
            if outcome in DENIALS and written:
                problems.append(f"{ident} ({outcome}) is a denial the loop asserts, but is also written by hand")
            elif outcome not in DENIALS and written != 1:
                problems.append(f"{ident} ({outcome}) needs exactly one hand-written assertion, found {written}")
    return problems


def expected_doc(doc: str, grid: str) -> str:
    try:
        head, rest = doc.split(DOC_BEGIN, 1)
        _, tail = rest.split(DOC_END, 1)
    except ValueError as exc:
        raise GridError(f"{DOC.name} lacks the markers {DOC_BEGIN} and {DOC_END}") from exc
    return f"{head}{DOC_BEGIN}\n{grid}{DOC_END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="rewrite the grid in docs/credentials.md")
    args = parser.parse_args(argv)
    try:
        text = MATRIX.read_text(encoding="utf-8")
        actors, operations = parse(text)
        doc = DOC.read_text(encoding="utf-8")
        wanted = expected_doc(doc, render(actors, operations))
    except (OSError, GridError) as exc:
        print(f"cross_org_grid: {exc}", file=sys.stderr)
        return 2
    problems = id_problems(text, actors, operations)
    if args.write and wanted != doc:
        DOC.write_text(wanted, encoding="utf-8")
        print(f"rewrote the grid in {DOC.relative_to(ROOT)}")
    elif wanted != doc:
        problems.append(f"the grid in {DOC.relative_to(ROOT)} is stale: run python tools/cross_org_grid.py --write")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
