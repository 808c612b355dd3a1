"""``org-integrations``: the operator commands, one subcommand each.

    org-integrations repair-configs --db-url URL [--dry-run]
    org-integrations emergency-revoke --db-url URL (--organization ID ... | --all) [--lockdown] [--dry-run]
    org-integrations lockdown --db-url URL [--lift] (--organization ID ... | --all) --reason TEXT [--dry-run]
    org-integrations lockdown --db-url URL --status
    org-integrations pending-rotations --db-url URL --incident REF

Every subcommand connects, switches role and exits the same way: see below.
One addition: pending-rotations exits 1 when some credentials are still pending.
"""

from __future__ import annotations

import argparse
import sys
from types import ModuleType
from typing import TextIO

from org_integrations.cli import common, emergency_revoke, lockdown, pending_rotations, repair_configs

__all__ = ["COMMANDS", "main"]

# (subcommand, module, one-line help). A command is a module with configure(parser),
# check(parser, args) and run(args, out, err) -> exit code, using org_integrations.cli.common.
COMMANDS: tuple[tuple[str, ModuleType, str], ...] = (
    ("repair-configs", repair_configs, "reset integration configs that fail the schemas, with a report"),
    ("emergency-revoke", emergency_revoke, "breach runbook: revoke the credentials of organizations"),
    ("lockdown", lockdown, "breach runbook: shut organizations out of the API, lift that, or list lockdowns"),
    ("pending-rotations", pending_rotations, "breach runbook: list revoked credentials not yet replaced"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="org-integrations",
        description=__doc__,
        epilog=common.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module, summary in COMMANDS:
        sub = commands.add_parser(
            name,
            help=summary,
            description=module.__doc__,
            epilog=common.EXIT_CODES_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(sub)
        sub.set_defaults(parser=sub)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.check(args.parser, args)
    return int(args.run(args, out or sys.stdout, err or sys.stderr))
