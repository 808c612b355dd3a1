"""``supabase db lint`` (plpgsql_check) against a freshly reset database.

The CLI runs ``create extension if not exists plpgsql_check`` and then
``plpgsql_check_function`` over every plpgsql function in the user schemas,
all inside a transaction it rolls back. plpgsql_check is not a trusted
extension, so on the throwaway cluster ``postgres`` cannot create it: the
superuser creates it first, after the reset (``db reset`` drops extensions it
did not make) and before pgTAP (whose own functions would be linted too).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from harness.cluster import HarnessError
from harness.reset import cli_binary

INSTALL_HINT = "apt-get update && apt-get install -y postgresql-{major}-plpgsql-check"


class CheckUnavailable(HarnessError):
    """The check cannot run on this server; the run must say so, never count it as passed."""


LINT_ARGS = ("db", "lint", "--level", "warning", "--fail-on", "warning")


@dataclass
class Finding:
    function: str
    level: str
    message: str
    line: str | None = None
    detail: str | None = None

    def __str__(self) -> str:
        where = f" (line {self.line})" if self.line else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.function}{where}: {self.level}: {self.message}{detail}"


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    output: str = ""

    @property
    def passed(self) -> bool:
        return not self.findings


def install_plpgsql_check(admin_url: str, major: int = 15) -> None:
    """Create plpgsql_check in ``extensions`` (on postgres's search path) as the superuser.

    Debian packages plpgsql_check for 15 only; the embedded 17 tree has no build
    of it, so on 17 this raises ``CheckUnavailable`` instead of an install hint.
    """
    with psycopg.connect(admin_url, autocommit=True) as conn:
        available = conn.execute(
            "select 1 from pg_catalog.pg_available_extensions where name = 'plpgsql_check'"
        ).fetchone()
        if available is None:
            if major != 15:
                raise CheckUnavailable(
                    f"plpgsql_check is not available for PostgreSQL {major} here (no package builds it for the "
                    "embedded server), so `supabase db lint` cannot run"
                )
            raise HarnessError(
                f"plpgsql_check is not installed for PostgreSQL {major} (`supabase db lint` needs it). "
                f"Install it:\n  {INSTALL_HINT.format(major=major)}"
            )
        conn.execute("create extension if not exists plpgsql_check with schema extensions")


def _findings(stdout: str) -> list[Finding] | None:
    """The CLI prints its findings as a JSON array; None when stdout holds no such array."""
    start = stdout.find("[")
    if start < 0:
        return None
    try:
        results = json.loads(stdout[start:])
    except json.JSONDecodeError:
        return None
    found = []
    for result in results:
        for issue in result.get("issues", []):
            found.append(
                Finding(
                    function=result.get("function", "?"),
                    level=issue.get("level", "?"),
                    message=issue.get("message", ""),
                    line=(issue.get("statement") or {}).get("lineNumber"),
                    detail=issue.get("detail"),
                )
            )
    return found


def db_lint(url: str, project: Path, schemas: list[str] | None = None) -> LintResult:
    """Run ``supabase db lint --db-url URL --level warning --fail-on warning``; findings fail it.

    ``schemas`` limits it to those (``--schema``), e.g. the test helpers once pgTAP,
    whose own functions are not ours to lint, is installed.

    Raises HarnessError when the lint could not run at all (no CLI, no
    connection, plpgsql_check missing), as opposed to running and finding something.
    """
    binary = cli_binary(project)
    if "sslmode=" not in url:
        url += ("&" if "?" in url else "?") + "sslmode=disable"
    proc = subprocess.run(
        [str(binary), *LINT_ARGS, *(["--schema", ",".join(schemas)] if schemas else []), "--db-url", url],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    output = proc.stdout + proc.stderr
    findings = _findings(proc.stdout)
    if proc.returncode == 0:
        return LintResult(findings=findings or [], output=output)
    if not findings:
        raise HarnessError(f"supabase db lint failed to run (exit {proc.returncode}):\n{output}")
    return LintResult(findings=findings, output=output)
