"""``org-integrations emergency-revoke``: the breach runbook.

Revokes every integration credential of one organization, several, or all of them.

    org-integrations emergency-revoke --db-url URL --organization ID [--organization ID ...] [--dry-run]
    org-integrations emergency-revoke --db-url URL --all [--dry-run] [--incident INC-123]
    org-integrations emergency-revoke --db-url URL --all --lockdown [--reason TEXT] [--incident INC-123]

Each organization is handled in its own transaction by
public.emergency_revoke_credentials: every Vault secret of its integrations is
deleted, the integrations are set 'inactive', the credential audit gets one
'revoke' row per integration plus one 'emergency_revoke' row, and the
organization's admins get one 'credentials_revoked' notification telling them to
rotate each credential at the external system and enter the new one. Before
committing, the same transaction checks that nothing revocable is left.

--lockdown first sets the lockdown, in the same run and through the same code
as `org-integrations lockdown`: one per organization for --organization, the
one global lockdown for --all. Its reason defaults to "emergency revoke,
incident <incident>"; the organizations' admins read it, so --reason can say
more. If any lockdown cannot be set, nothing is revoked.

--dry-run lists what would change and changes nothing. Running again is safe: an
organization with nothing left to revoke is skipped and nothing is written, and
an active lockdown is kept as it is.

Connecting, --role (default service_role, the only role the function is granted
to) and exit codes are the same for every org-integrations command. Here, exit
code 1 means some organization failed or still has a credential: see the output,
and rerun after fixing. See docs/incident-response.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import TextIO

import psycopg
from psycopg import errors

from org_integrations.cli import common, lockdown
from org_integrations.cli.common import printable, say

# Transient: another transaction held a row this one needs; retry the organization.
RETRYABLE = (errors.LockNotAvailable, errors.DeadlockDetected, errors.SerializationFailure, errors.QueryCanceled)
ATTEMPTS = 3
REVOKE_FUNCTION = "public.emergency_revoke_credentials(uuid, text, boolean)"
# The fifth column is the id of the Vault secret the call deleted (or would delete), printed for the
# incident record. Renamed by the alias list: this package reads no Vault reference from the table.
REVOKE = (
    "select r.integration_id, r.provider, r.display_name, r.status_before::text, r.deleted_secret "
    "from public.emergency_revoke_credentials(%s, %s, %s) as r "
    "(integration_id, provider, display_name, status_before, deleted_secret)"
)

Row = tuple[object, ...]


@dataclass
class Summary:
    changed: int = 0
    clean: int = 0
    credentials: int = 0
    failed: list[str] = field(default_factory=list)


def configure(parser: argparse.ArgumentParser) -> None:
    """The command's arguments, for its own parser or as a subcommand of org-integrations."""
    common.add_connection_arguments(parser)
    scope = parser.add_mutually_exclusive_group(required=True)
    scope.add_argument(
        "--organization", action="append", type=uuid.UUID, metavar="ID", help="organization id (repeatable)"
    )
    scope.add_argument("--all", action="store_true", help="every organization")
    parser.add_argument("--dry-run", action="store_true", help="list what would change; change nothing")
    parser.add_argument(
        "--incident",
        help="incident reference recorded in the audit and the notifications (1-200 characters; "
        "default: emergency-revoke-<UTC time>)",
    )
    parser.add_argument(
        "--lockdown",
        action="store_true",
        help="first lock the organizations down (the global lockdown with --all), as org-integrations lockdown does",
    )
    parser.add_argument(
        "--reason",
        help="with --lockdown: the lockdown's reason, shown to the admins (default: emergency revoke, incident <ID>)",
    )
    parser.add_argument("--lock-timeout", default="5s", help="per-statement lock wait before a retry (default 5s)")
    parser.set_defaults(run=run, check=check)


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    common.require_db_url(parser, args)
    if args.incident is None:
        args.incident = "emergency-revoke-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if not args.incident.strip() or len(args.incident) > 200:
        parser.error("--incident must be 1 to 200 characters and not blank")
    if args.reason is not None and not args.lockdown:
        parser.error("--reason is the lockdown's reason: it needs --lockdown")
    if args.lockdown and args.reason is None:
        args.reason = f"emergency revoke, incident {args.incident}"


def act_as(conn: psycopg.Connection, args: argparse.Namespace) -> None:
    """Transaction-local, like PostgREST: the role and its claims, plus timeouts."""
    common.act_as(conn, args.role, lock_timeout=args.lock_timeout)


def organizations(conn: psycopg.Connection, args: argparse.Namespace) -> list[tuple[uuid.UUID, str]]:
    common.check_role(conn, args.role)
    common.require_function(conn, REVOKE_FUNCTION, "20261127600200")
    if args.lockdown:
        lockdown.require_functions(conn)
    with conn.transaction():
        act_as(conn, args)
        if args.all:
            rows = conn.execute("select id, name from public.organizations order by id").fetchall()
        else:
            wanted = list(dict.fromkeys(args.organization))
            rows = conn.execute(
                "select id, name from public.organizations where id = any(%s) order by id", [wanted]
            ).fetchall()
            unknown = set(wanted) - {row[0] for row in rows}
            if unknown:
                raise common.NotStarted(
                    f"unknown organization(s): {', '.join(sorted(map(str, unknown)))}; nothing changed"
                )
    return [(row[0], row[1]) for row in rows]


def revoke_one(conn: psycopg.Connection, org_id: uuid.UUID, args: argparse.Namespace) -> tuple[list[Row], list[Row]]:
    """One transaction: revoke (or list), then list again to prove nothing is left. Returns (revoked, left)."""
    with conn.transaction() as tx:
        act_as(conn, args)
        revoked = conn.execute(REVOKE, [org_id, args.incident, args.dry_run]).fetchall()
        left = [] if args.dry_run else conn.execute(REVOKE, [org_id, args.incident, True]).fetchall()
        if args.dry_run:
            # The function changes nothing in a dry run; roll back anyway.
            raise psycopg.Rollback(tx)
    return revoked, left


def describe(row: Row) -> str:
    """One integration as a report line. Provider and display name are an admin's input: escaped."""
    integration_id, provider, display_name, status_before, secret_id = row
    name = f' "{printable(display_name)}"' if display_name else ""
    secret = f"vault secret {secret_id}" if secret_id else "vault secret kept by name"
    return f"integration {integration_id} {printable(provider)}{name} ({status_before} -> inactive), {secret}"


def lock_down(
    conn: psycopg.Connection, args: argparse.Namespace, targets: list[tuple[uuid.UUID, str]], out: TextIO
) -> bool:
    """--lockdown: the lockdown module sets (or, in a dry run, tries) the lockdowns. False if any failed."""
    scopes = [lockdown.GLOBAL] if args.all else [lockdown.Scope(org_id, name) for org_id, name in targets]
    outcome = lockdown.apply(
        conn,
        scopes,
        out,
        lift=False,
        reason=args.reason,
        incident=args.incident,
        role=args.role,
        dry_run=args.dry_run,
        lock_timeout=args.lock_timeout,
    )
    return not outcome.failed


def revoke_all(conn: psycopg.Connection, args: argparse.Namespace, out: TextIO, err: TextIO) -> Summary:
    targets = organizations(conn, args)
    if args.lockdown and not lock_down(conn, args, targets, out):
        say(out, "emergency_revoke: NOT REVOKED, the lockdown failed; rerun the same command, it is idempotent")
        return Summary(failed=["lockdown: not every lockdown was set, so nothing was revoked"])
    mode = "DRY RUN, nothing will change" if args.dry_run else "revoking"
    say(out, f"emergency_revoke: incident '{printable(args.incident)}': {len(targets)} organization(s), {mode}")
    summary = Summary()
    verb = "would revoke" if args.dry_run else "revoked"
    # A bar only on a terminal: elsewhere the report lines already show progress.
    with common.progress_bar(
        len(targets),
        err,
        unit="organization",
        bar_format="{n}/{total} organizations {bar:20} {elapsed}",
        enabled=err.isatty(),
    ) as bar:
        for number, (org_id, name) in enumerate(targets, start=1):
            bar.update()
            prefix = f"[{number}/{len(targets)}] organization {org_id} '{printable(name)}'"
            revoked: list[Row] | None = None
            left: list[Row] = []
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    revoked, left = revoke_one(conn, org_id, args)
                    break
                except RETRYABLE as exc:
                    if attempt == ATTEMPTS:
                        summary.failed.append(f"{org_id}: {exc.sqlstate} after {ATTEMPTS} attempts")
                        say(out, f"{prefix}: FAILED ({common.describe_error(exc)}); rerun to retry")
                        break
                    say(out, f"{prefix}: busy ({exc.sqlstate}), retrying")
                    time.sleep(attempt)
                except psycopg.Error as exc:
                    if conn.broken:
                        untouched = len(targets) - number + 1
                        summary.failed.append(f"connection lost at {org_id}; {untouched} organization(s) not processed")
                        lost = printable(exc, 500)
                        say(out, f"{prefix}: CONNECTION LOST ({lost}); rerun the same command, it is idempotent")
                        return summary
                    summary.failed.append(f"{org_id}: {common.describe_error(exc)}")
                    say(out, f"{prefix}: FAILED ({common.describe_error(exc)})")
                    break
            if revoked is None:
                continue
            if not revoked:
                summary.clean += 1
                say(out, f"{prefix}: nothing to revoke")
                continue
            summary.changed += 1
            summary.credentials += len(revoked)
            notice = "" if args.dry_run else ", admins notified"
            say(out, f"{prefix}: {verb} {len(revoked)} credential(s){notice}")
            for row in revoked:
                say(out, f"    - {describe(row)}")
            if left:
                summary.failed.append(f"{org_id}: {len(left)} credential(s) still present after the revoke")
                say(out, f"{prefix}: STILL PRESENT after the revoke ({len(left)}):")
                for row in left:
                    say(out, f"    ! {describe(row)}")
    return summary


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        with common.connect(args.db_url, "org-integrations emergency-revoke") as conn:
            summary = revoke_all(conn, args, out, err)
    except common.NotStarted as exc:
        print(f"error: {exc}", file=err)
        return common.NOT_STARTED
    verb = "to revoke (dry run)" if args.dry_run else "revoked"
    say(
        out,
        f"summary: {summary.credentials} credential(s) {verb} in {summary.changed} organization(s); "
        f"{summary.clean} had nothing to revoke; {len(summary.failed)} failed",
    )
    for failure in summary.failed:
        say(out, f"  failed: {failure}")
    return common.INCOMPLETE if summary.failed else common.OK


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """This command alone: the same as ``org-integrations emergency-revoke ARGS``."""
    from org_integrations import cli  # the dispatcher imports this module

    return cli.main(["emergency-revoke", *(sys.argv[1:] if argv is None else argv)], out, err)
