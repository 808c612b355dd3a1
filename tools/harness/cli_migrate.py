"""Run the real Supabase CLI's migration commands against a database URL, timing each migration.

* ``reset_to_version`` is ``supabase db reset --version V --no-seed --db-url``.
* ``migrate_up`` is ``supabase migration up --db-url``, optionally only up to a
  version: the CLI has no such flag, so the migrations up to it are copied into
  a temporary project directory and the CLI runs there (``--workdir``).

The CLI applies one file per transaction and prints ``Applying migration
<file>...`` to stderr, unbuffered, before each. ``migrate_up`` reads that
stream as it arrives and stamps each line with ``time.monotonic()``, so a
migration's window runs from its line to the next line (or the CLI's exit).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.cluster import HarnessError
from harness.reset import MIGRATION_NAME, cli_binary, migration_files

_APPLYING = re.compile(r"^Applying migration (\d+)_(\S+?)\.sql\.\.\.$")


def cli_url(url: str) -> str:
    """The CLI needs TLS or an explicit sslmode=disable."""
    if "sslmode=" in url:
        return url
    return url + ("&" if "?" in url else "?") + "sslmode=disable"


@dataclass
class MigrationWindow:
    """When the CLI applied one migration, in ``time.monotonic()`` seconds."""

    version: str
    name: str
    start: float
    end: float = 0.0

    @property
    def seconds(self) -> float:
        return self.end - self.start


@dataclass
class MigrateResult:
    started: float
    finished: float = 0.0
    returncode: int = 0
    windows: list[MigrationWindow] = field(default_factory=list)
    output: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def reset_to_version(url: str, project: Path, version: str) -> None:
    """``supabase db reset`` to ``version`` (migrations up to it, no seed)."""
    proc = subprocess.run(
        [str(cli_binary(project)), "db", "reset", "--yes", "--no-seed", "--version", version, "--db-url", cli_url(url)],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise HarnessError(f"supabase db reset --version {version} failed (exit {proc.returncode}):\n{proc.stderr}")


def _stage(project: Path, upto: str, into: Path) -> None:
    """A project directory holding config.toml and the migrations up to ``upto``."""
    (into / "supabase" / "migrations").mkdir(parents=True)
    config = project / "supabase" / "config.toml"
    if config.exists():
        shutil.copy2(config, into / "supabase" / "config.toml")
    for path in migration_files(project):
        match = MIGRATION_NAME.match(path.name)
        if match is not None and match.group(1) <= upto:
            shutil.copy2(path, into / "supabase" / "migrations" / path.name)


def migrate_up(
    url: str, project: Path, upto: str | None = None, on_line: Callable[[float, str], None] | None = None
) -> MigrateResult:
    """``supabase migration up --db-url`` (to ``upto`` if given), timing each migration. Never raises on exit code."""
    binary = cli_binary(project)
    with tempfile.TemporaryDirectory(prefix="migrate-up-") as staged:
        workdir = project
        if upto is not None:
            workdir = Path(staged)
            _stage(project, upto, workdir)
        result = MigrateResult(started=time.monotonic())
        proc = subprocess.Popen(
            [str(binary), "migration", "up", "--workdir", str(workdir), "--db-url", cli_url(url)],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        assert proc.stdout is not None
        for raw in proc.stdout:
            now = time.monotonic()
            line = raw.rstrip()
            result.output.append(line)
            if result.windows and result.windows[-1].end == 0.0:
                result.windows[-1].end = now
            match = _APPLYING.match(line)
            if match is not None:
                result.windows.append(MigrationWindow(version=match.group(1), name=match.group(2), start=now))
            if on_line is not None:
                on_line(now, line)
        result.returncode = proc.wait()
        result.finished = time.monotonic()
        if result.windows and result.windows[-1].end == 0.0:
            result.windows[-1].end = result.finished
    return result
