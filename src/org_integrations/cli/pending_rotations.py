"""``org-integrations pending-rotations``: which revoked credentials still wait for a new one.

Lists the integrations that the emergency revoke of one incident revoked and
that still have no credential: what the organizations' admins have yet to
rotate. An integration that got a new credential, or was deleted, is no longer
listed.

    org-integrations pending-rotations --db-url URL --incident INC-123

Reads public.credential_rotations_pending (migration 20261207100500) in one
transaction that is rolled back: it changes nothing.

Exit codes differ from the other commands in one way: 1 means the check ran
and some integrations are still pending, so a script can wait for 0.

- 0: none is pending; every revoked integration has a new credential or was deleted.
- 1: some are pending; the output lists them.
- 2: not checked: bad arguments, no connection, the role switch refused, the
  missing migration, or the database refused the query (for example 42501
  for a role other than service_role).

Connecting and --role (default service_role, the only role the function is
granted to) are the same for every org-integrations command. See
docs/incident-response.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Final, TextIO

import psycopg

from org_integrations.cli import common
from org_integrations.cli.common import printable, timestamp

MIGRATION: Final = "20261207100500"
PENDING_FUNCTION: Final = "public.credential_rotations_pending(text)"
PENDING: Final = """
select p.organization_id, o.name, p.integration_id, p.provider, p.display_name, p.revoked_at
from public.credential_rotations_pending(%s) as p
left join public.organizations as o on o.id = p.organization_id
order by p.organization_id, p.revoked_at, p.integration_id
"""
EXIT_CODES_HELP: Final = (
    "exit codes: 0 nothing pending; 1 some integrations still wait for a new credential (listed); "
    "2 not checked (arguments, connection, role switch, missing migration, query refused)"
)

Row = tuple[object, ...]


def configure(parser: argparse.ArgumentParser) -> None:
    """The command's arguments, for its own parser or as a subcommand of org-integrations."""
    common.add_connection_arguments(parser)
    parser.add_argument(
        "--incident",
        required=True,
        help="the incident reference the emergency revoke ran with",
    )
    parser.epilog = EXIT_CODES_HELP
    parser.set_defaults(run=run, check=check)


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    common.require_db_url(parser, args)


def pending(conn: psycopg.Connection, incident: str, role: str) -> list[Row]:
    """The integrations still waiting for a credential; NotStarted if the database refuses the query."""
    common.check_role(conn, role)
    common.require_function(conn, PENDING_FUNCTION, MIGRATION)
    try:
        with conn.transaction(force_rollback=True):
            common.act_as(conn, role)
            return conn.execute(PENDING, [incident]).fetchall()
    except psycopg.Error as exc:
        raise common.NotStarted(f"cannot list pending rotations: {common.describe_error(exc)}") from exc


def describe(row: Row) -> str:
    """One integration as a report line. Names, providers and display names are an admin's input: escaped."""
    org_id, name, integration_id, provider, display_name, revoked_at = row
    organization = f"organization {printable(org_id)}" + (f" '{printable(name)}'" if name is not None else "")
    shown_name = f' "{printable(display_name)}"' if display_name else ""
    return (
        f"{organization}: integration {printable(integration_id)} {printable(provider)}{shown_name}, "
        f"revoked at {timestamp(revoked_at)}"
    )


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        with common.connect(args.db_url, "org-integrations pending-rotations") as conn:
            rows = pending(conn, args.incident, args.role)
    except common.NotStarted as exc:
        print(f"error: {exc}", file=err)
        return common.NOT_STARTED
    incident = printable(args.incident)
    if not rows:
        print(
            f"pending rotations: incident '{incident}': none; every revoked integration has a new credential "
            "or was deleted",
            file=out,
        )
        return common.OK
    print(f"pending rotations: incident '{incident}': {len(rows)} integration(s) still without a credential", file=out)
    for row in rows:
        print(f"  {describe(row)}", file=out)
    organizations = len({row[0] for row in rows})
    print(
        f"summary: {len(rows)} integration(s) in {organizations} organization(s) still wait for a new credential; "
        "their admins store one with public.store_credential and reactivate the integration",
        file=out,
    )
    return common.INCOMPLETE


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """This command alone: the same as ``org-integrations pending-rotations ARGS``."""
    from org_integrations import cli  # the dispatcher imports this module

    return cli.main(["pending-rotations", *(sys.argv[1:] if argv is None else argv)], out, err)
