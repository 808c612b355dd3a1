"""The operator commands are console entry points of the installed package, sharing one parser convention."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

from org_integrations.cli import COMMANDS, build_parser, common, main

# The fewest arguments each subcommand needs besides the connection; none unless listed.
REQUIRED = {"emergency-revoke": ["--all"], "lockdown": ["--status"], "pending-rotations": ["--incident", "INC-1"]}


def test_org_integrations_is_a_console_script():
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "org-integrations"]
    assert script.value == "org_integrations.cli:main"


def test_every_subcommand_has_the_shared_connection_arguments():
    parser = build_parser()
    for name, _, _ in COMMANDS:
        args = parser.parse_args([name, "--db-url", "postgresql://x/y", *REQUIRED.get(name, [])])
        assert (args.db_url, args.role) == ("postgresql://x/y", common.DEFAULT_ROLE)


@pytest.mark.parametrize("command", [name for name, _, _ in COMMANDS])
def test_db_url_comes_from_the_environment(command: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(common.DB_URL_ENV, "postgresql://from-env/db")
    # The default is read when the parser is built.
    args = build_parser().parse_args([command, *REQUIRED.get(command, [])])
    assert args.db_url == "postgresql://from-env/db"


@pytest.mark.parametrize("command", [name for name, _, _ in COMMANDS])
def test_unreachable_database_is_exit_code_2(command: str):
    extra = REQUIRED.get(command, [])
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "org_integrations.cli",
            command,
            "--db-url",
            "postgresql://nobody@127.0.0.1:1/x",
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == common.NOT_STARTED, proc.stderr
    assert "cannot connect" in proc.stderr


@pytest.mark.parametrize("command", [name for name, _, _ in COMMANDS])
def test_missing_db_url_is_a_usage_error(command: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(common.DB_URL_ENV, raising=False)
    extra = REQUIRED.get(command, [])
    with pytest.raises(SystemExit) as exited:
        main([command, *extra])
    assert exited.value.code == common.NOT_STARTED
