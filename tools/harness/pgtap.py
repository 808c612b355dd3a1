"""Run pgTAP files over psycopg and judge their TAP output like ``pg_prove``.

Each file starts from a clean session, as each ``pg_prove`` file gets its own
psql session, and runs statement by statement so a failure is reported with
its line. Like psql with ON_ERROR_STOP (which pg_prove sets), a file stops at its
first SQL error. TAP lines are parsed with the ``tap.py`` library; the verdict
follows TAP::Harness: a plan, every planned test run in order, and no
``not ok`` except TODO.
"""

from __future__ import annotations

import queue
import re
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from tap.line import Bail, Plan, Result
from tap.parser import Parser

from harness.reset import SqlFailure
from harness.sqlsplit import line_of, split_statements


@dataclass
class Assertion:
    number: int | None
    ok: bool
    description: str
    todo: bool = False
    skip: bool = False
    diagnostics: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.ok or self.todo


@dataclass
class FileResult:
    path: Path
    lines: list[str] = field(default_factory=list)
    plan: int | None = None
    assertions: list[Assertion] = field(default_factory=list)
    error: SqlFailure | None = None
    bail: str | None = None
    seconds: float = 0.0

    @property
    def problems(self) -> list[str]:
        """Why this file fails; empty when it passes."""
        found: list[str] = []
        if self.error is not None:
            found.append(str(self.error))
        if self.bail is not None:
            found.append(f"bailed out: {self.bail}")
        if self.plan is None:
            found.append("no plan")
        elif len(self.assertions) != self.plan:
            found.append(f"planned {self.plan} tests but ran {len(self.assertions)}")
        numbers = [a.number for a in self.assertions]
        if any(n is not None and n != i for i, n in enumerate(numbers, start=1)):
            found.append("tests out of sequence")
        failed = [a for a in self.assertions if not a.passed]
        if failed:
            found.append(f"failed tests {', '.join(str(a.number) for a in failed)}")
        return found

    @property
    def passed(self) -> bool:
        return not self.problems


# tap.py's plan pattern does not escape its dots, so a uuid or hash that a
# test prints could pass for a plan; TAP::Parser (pg_prove) only takes this.
_PLAN = re.compile(r"^1\.\.\d+(\s*#.*)?$")


def parse_tap(result: FileResult, lines: list[str]) -> None:
    """Fold TAP ``lines`` into ``result`` (plan, assertions and their diagnostics)."""
    parser = Parser()
    for raw in lines:
        result.lines.append(raw)
        line = parser.parse_line(raw)
        if isinstance(line, Plan) and _PLAN.match(raw.strip()):
            result.plan = line.expected_tests
        elif isinstance(line, Result):
            description = line.description.removeprefix("- ").strip()
            result.assertions.append(Assertion(line.number, line.ok, description, todo=line.todo, skip=line.skip))
        elif isinstance(line, Bail):
            result.bail = line.reason
        elif line.category == "diagnostic" and result.assertions:
            result.assertions[-1].diagnostics.append(raw)


# What a new psql session has: no temp tables (pgTAP keeps its state in them),
# default role and settings, no prepared statements, cursors, listeners,
# advisory locks or sequence state. This is DISCARD ALL without DISCARD PLANS:
# the backend keeps its catalog caches and plans warm, and PostgreSQL itself
# invalidates any plan that a schema change affects.
_CLEAN_SESSION = """
close all;
set session authorization default;
reset all;
deallocate all;
unlisten *;
select pg_catalog.pg_advisory_unlock_all();
discard temp;
discard sequences;
"""


def run_file(conn: psycopg.Connection, path: Path) -> FileResult:
    """Run one pgTAP file on ``conn`` (autocommit), starting from a clean session."""
    result = FileResult(path=path)
    started = time.perf_counter()
    statements = split_statements(path.read_text())
    conn.execute(_CLEAN_SESSION)
    for statement in statements:
        try:
            cur = conn.execute(statement.text)  # type: ignore[arg-type]  # trusted test SQL
        except psycopg.Error as exc:
            diag = exc.diag
            position = int(diag.statement_position) if diag.statement_position else None
            result.error = SqlFailure(
                path=path,
                line=line_of(statement, position),
                sqlstate=diag.sqlstate or "?????",
                message=diag.message_primary or str(exc),
                kind="test file",
            )
            break
        if cur.description is None:
            continue
        out: list[str] = []
        for row in cur.fetchall():
            text = "|".join("" if v is None else str(v) for v in row)
            out.extend(text.splitlines())
        parse_tap(result, out)
    if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
        conn.execute("rollback")  # an error, or a file that never ended its transaction
    result.seconds = time.perf_counter() - started
    return result


def run_files(url: str, setup: list[Path], files: list[Path], jobs: int = 2) -> list[FileResult]:
    """Run setup files one by one first (they commit shared helpers), then the rest on ``jobs`` connections."""
    jobs = max(jobs, 1)
    idle: queue.Queue[psycopg.Connection] = queue.Queue()
    for _ in range(jobs):
        idle.put(psycopg.connect(url, autocommit=True))

    def run_one(path: Path) -> FileResult:
        conn = idle.get()
        try:
            return run_file(conn, path)
        finally:
            idle.put(conn)

    try:
        results = [run_one(path) for path in setup]
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results.extend(pool.map(run_one, files))
    finally:
        while not idle.empty():
            idle.get().close()
    return results


def relative(path: Path, base: Path) -> str:
    """``path`` relative to ``base`` for display, or as given when outside it."""
    try:
        return path.relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def write_junit(results: list[FileResult], target: Path, base: Path, server: str) -> None:
    """JUnit XML: one testsuite per file, one testcase per assertion, each suite named with its server."""
    suites = ET.Element("testsuites", name=f"pgTAP on {server}")
    for res in results:
        failures = sum(1 for a in res.assertions if not a.passed)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=f"{relative(res.path, base)} ({server})",
            hostname=server,
            tests=str(max(len(res.assertions), res.plan or 0)),
            failures=str(failures),
            errors=str(0 if res.passed or failures else 1),
            skipped=str(sum(1 for a in res.assertions if a.skip)),
            time=f"{res.seconds:.3f}",
        )
        for a in res.assertions:
            case = ET.SubElement(suite, "testcase", classname=res.path.stem, name=f"{a.number} - {a.description}")
            if a.skip:
                ET.SubElement(case, "skipped")
            elif not a.passed:
                failure = ET.SubElement(case, "failure", message=a.description)
                failure.text = "\n".join(a.diagnostics)
        if not res.passed and not failures:
            error = ET.SubElement(ET.SubElement(suite, "testcase", classname=res.path.stem, name="file"), "error")
            error.set("message", "; ".join(res.problems))
    ET.indent(suites)
    target.write_text(ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n")
