"""``org-integrations lockdown``: the breach runbook's lockdown switch.

Shuts one organization, several, or all of them out of the API, lifts that
again, or lists the lockdowns in force.

    org-integrations lockdown --db-url URL (--organization ID [--organization ID ...] | --all) --reason TEXT
        [--incident INC-123] [--dry-run]
    org-integrations lockdown --db-url URL --lift (--organization ID ... | --all) --reason TEXT [--dry-run]
    org-integrations lockdown --db-url URL --status

--all is the one global lockdown, which covers every organization, including
those created later; it is not one lockdown per organization. Lifting it
leaves the lockdowns of single organizations in place.

Each organization (or the global lockdown) is handled in its own transaction
by public.set_organization_lockdown or public.lift_organization_lockdown
(migration 20261207100200). While an organization is locked down, anon and
authenticated can neither read nor change anything of it, and its admins can
still read its notifications; service_role is not affected. Every set and lift
writes one credential_audit row ('lockdown_set', 'lockdown_lifted') and one
notification ('organization_locked_down', 'organization_lockdown_lifted') for
each organization it covers. The notification shows the reason and the
incident to the organization's admins: write them for customers.

Before changing anything, every call is tried once in a transaction that is
rolled back, so an unknown organization, a refused role or a rejected reason
stops the command with nothing changed. --dry-run prints the answers of those
tries: what would be locked down or lifted, and what already is. Running again
is safe: an active lockdown is reported as already locked down, a lift with
nothing active as nothing to lift, and nothing is written for them.

--status lists the active lockdowns: scope, since when, who set them, the
incident and the reason.

Connecting, --role (default service_role, the only role the functions are
granted to) and exit codes are the same for every org-integrations command.
Here, exit code 1 means some scope failed and the others are committed: rerun
the same command. See docs/incident-response.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final, TextIO

import psycopg
from psycopg import errors

from org_integrations.cli import common
from org_integrations.cli.common import printable, say, timestamp

MIGRATION: Final = "20261207100200"
SET_FUNCTION: Final = "public.set_organization_lockdown(uuid, text, text)"
LIFT_FUNCTION: Final = "public.lift_organization_lockdown(uuid, text)"
SET: Final = "select l.lockdown_id, l.set_at, l.already_active from public.set_organization_lockdown(%s, %s, %s) as l"
LIFT: Final = "select l.lockdown_id, l.lifted_at, l.was_active from public.lift_organization_lockdown(%s, %s) as l"
# Lifting the global lockdown leaves these in place: said in the report.
ORGANIZATION_LOCKDOWNS_LEFT: Final = (
    "select pg_catalog.count(*) from private.organization_lockdowns as l "
    "where l.lifted_at is null and l.organization_id is not null"
)
STATUS: Final = """
select l.id, l.organization_id, o.name, l.set_at, l.set_by_role, l.set_by_user_id, l.incident, l.reason
from private.organization_lockdowns as l
left join public.organizations as o on o.id = l.organization_id
where l.lifted_at is null
order by l.organization_id nulls first, l.set_at
"""
DEFAULT_LOCK_TIMEOUT: Final = "5s"


@dataclass(frozen=True)
class Scope:
    """What one lockdown covers: one organization, or every organization (``organization_id`` None)."""

    organization_id: uuid.UUID | None
    name: str | None = None

    def label(self) -> str:
        if self.organization_id is None:
            return "global lockdown (every organization)"
        if self.name is None:
            return f"organization {self.organization_id}"
        return f"organization {self.organization_id} '{printable(self.name)}'"


GLOBAL: Final = Scope(None)


@dataclass(frozen=True)
class Answer:
    """What the function said for one scope: the lockdown, its time, and whether it changed anything."""

    lockdown_id: object
    at: object
    changes: bool


@dataclass
class Outcome:
    changed: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)


def require_functions(conn: psycopg.Connection) -> None:
    """NotStarted unless the database has the lockdown migration."""
    common.require_function(conn, SET_FUNCTION, MIGRATION)
    common.require_function(conn, LIFT_FUNCTION, MIGRATION)


def call(conn: psycopg.Connection, scope: Scope, lift: bool, reason: str, incident: str | None) -> Answer:
    """One call of the set or lift function in the open transaction."""
    if lift:
        row = conn.execute(LIFT, [scope.organization_id, reason]).fetchone()
    else:
        row = conn.execute(SET, [scope.organization_id, reason, incident]).fetchone()
    assert row is not None  # both functions return exactly one row
    lockdown_id, at, flag = row
    # set: already_active means nothing changed; lift: was_active means something did.
    return Answer(lockdown_id, at, bool(flag) if lift else not flag)


def preflight(
    conn: psycopg.Connection,
    scopes: Sequence[Scope],
    *,
    lift: bool,
    reason: str,
    incident: str | None,
    role: str,
    lock_timeout: str,
) -> tuple[list[Answer], int]:
    """Every call once, each in a transaction that is rolled back: the database's answers, and nothing changed.

    Returns the answers and, when lifting the global lockdown, how many organization lockdowns stay.
    NotStarted for an unknown organization, a refused role or a rejected reason or incident.
    """
    answers: list[Answer] = []
    unknown: list[str] = []
    left = 0
    for scope in scopes:
        try:
            with conn.transaction(force_rollback=True):
                common.act_as(conn, role, lock_timeout=lock_timeout)
                answers.append(call(conn, scope, lift, reason, incident))
                if lift and scope.organization_id is None:
                    (left,) = conn.execute(ORGANIZATION_LOCKDOWNS_LEFT).fetchone() or (0,)
        except errors.NoDataFound:
            unknown.append(str(scope.organization_id))
        except psycopg.Error as exc:
            if conn.broken:
                raise common.NotStarted(f"connection lost: {printable(exc, 500)}; nothing changed") from exc
            raise common.NotStarted(f"{scope.label()}: {common.describe_error(exc)}; nothing changed") from exc
    if unknown:
        raise common.NotStarted(f"unknown organization(s): {', '.join(sorted(unknown))}; nothing changed")
    return answers, left


def describe(answer: Answer, *, lift: bool, dry_run: bool, covers_all: bool) -> str:
    """The outcome of one scope as the end of a report line."""
    lockdown = f"lockdown {printable(answer.lockdown_id)}"
    notified = "admins of every organization notified" if covers_all else "admins notified"
    if lift:
        if not answer.changes:
            return "not locked down, nothing to lift"
        return f"would lift ({lockdown})" if dry_run else f"lifted ({lockdown}), {notified}"
    if not answer.changes:
        return f"already locked down since {timestamp(answer.at)} ({lockdown}), nothing written"
    return "would lock down" if dry_run else f"locked down ({lockdown}), {notified}"


def apply(
    conn: psycopg.Connection,
    scopes: Sequence[Scope],
    out: TextIO,
    *,
    lift: bool,
    reason: str,
    incident: str | None = None,
    role: str = common.DEFAULT_ROLE,
    dry_run: bool = False,
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT,
) -> Outcome:
    """Set (or lift) the lockdown of each scope, each in its own transaction, with one report line each.

    The one place that sets and lifts lockdowns; emergency-revoke --lockdown calls it too. The role must
    have been checked and the functions required. Every call is tried first in a rolled-back transaction
    (NotStarted if any is refused, nothing changed); a dry run reports those answers and stops there.
    """
    answers, left = preflight(
        conn, scopes, lift=lift, reason=reason, incident=incident, role=role, lock_timeout=lock_timeout
    )
    if lift:
        what = f"lockdown lift: reason '{printable(reason)}'"
    else:
        what = f"lockdown: incident '{printable(incident or '')}', reason '{printable(reason)}'"
    mode = "DRY RUN, nothing will change" if dry_run else ("lifting" if lift else "locking down")
    say(out, f"{what}: {len(scopes)} scope(s), {mode}")
    outcome = Outcome()
    for number, (scope, planned) in enumerate(zip(scopes, answers, strict=True), start=1):
        prefix = f"lockdown [{number}/{len(scopes)}] {scope.label()}"
        answer = planned
        if not dry_run:
            try:
                with conn.transaction():
                    common.act_as(conn, role, lock_timeout=lock_timeout)
                    answer = call(conn, scope, lift, reason, incident)
            except psycopg.Error as exc:
                if conn.broken:
                    untouched = len(scopes) - number + 1
                    outcome.failed.append(f"connection lost at {scope.label()}; {untouched} scope(s) not processed")
                    say(out, f"{prefix}: CONNECTION LOST ({printable(exc, 500)}); rerun the same command")
                    return outcome
                outcome.failed.append(f"{scope.label()}: {common.describe_error(exc)}")
                say(out, f"{prefix}: FAILED ({common.describe_error(exc)}); rerun the same command")
                continue
        if answer.changes:
            outcome.changed += 1
        else:
            outcome.unchanged += 1
        say(out, f"{prefix}: {describe(answer, lift=lift, dry_run=dry_run, covers_all=scope.organization_id is None)}")
    if lift and left and any(scope.organization_id is None for scope in scopes):
        say(out, f"lockdown: {left} organization lockdown(s) stay in place; lift each with --lift --organization ID")
    if lift:
        verbs = ("would be lifted" if dry_run else "lifted", "not active")
    else:
        verbs = ("would be set" if dry_run else "set", "already active")
    note = "; dry run, nothing changed" if dry_run else ""
    say(
        out,
        f"lockdown summary: {outcome.changed} {verbs[0]}, {outcome.unchanged} {verbs[1]}, "
        f"{len(outcome.failed)} failed{note}",
    )
    for failure in outcome.failed:
        say(out, f"  failed: {failure}")
    return outcome


def organization_scopes(conn: psycopg.Connection, ids: Sequence[uuid.UUID], role: str) -> list[Scope]:
    """One scope per organization, in id order, named where the role can read the name.

    Unknown ids are not checked here: the functions answer P0002 for them in the preflight.
    """
    wanted = sorted(dict.fromkeys(ids))
    with conn.transaction(force_rollback=True):
        common.act_as(conn, role)
        names: dict[uuid.UUID, str] = dict(
            conn.execute("select o.id, o.name from public.organizations as o where o.id = any(%s)", [wanted]).fetchall()
        )
    return [Scope(org_id, names.get(org_id)) for org_id in wanted]


def status(conn: psycopg.Connection, role: str, out: TextIO) -> None:
    """The active lockdowns, one line each. NotStarted if the role may not read them."""
    try:
        with conn.transaction(force_rollback=True):
            common.act_as(conn, role)
            rows = conn.execute(STATUS).fetchall()
    except psycopg.Error as exc:
        raise common.NotStarted(f"cannot read the lockdowns: {common.describe_error(exc)}") from exc
    if not rows:
        say(out, "lockdown status: no active lockdown")
        return
    say(out, f"lockdown status: {len(rows)} active lockdown(s)")
    for lockdown_id, org_id, name, set_at, set_by_role, set_by_user_id, incident, reason in rows:
        scope = Scope(org_id, name)
        by = printable(set_by_role) + (f" (user {printable(set_by_user_id)})" if set_by_user_id else "")
        shown_incident = f"'{printable(incident)}'" if incident is not None else "none"
        say(
            out,
            f"  {scope.label()}: since {timestamp(set_at)}, set by {by}, incident {shown_incident}, "
            f"reason '{printable(reason)}' (lockdown {printable(lockdown_id)})",
        )


def configure(parser: argparse.ArgumentParser) -> None:
    """The command's arguments, for its own parser or as a subcommand of org-integrations."""
    common.add_connection_arguments(parser)
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--lift", action="store_true", help="lift the lockdown instead of setting it")
    action.add_argument("--status", action="store_true", help="list the active lockdowns and change nothing")
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--organization", action="append", type=uuid.UUID, metavar="ID", help="organization id (repeatable)"
    )
    scope.add_argument(
        "--all", action="store_true", help="the global lockdown: every organization, also those created later"
    )
    parser.add_argument(
        "--reason",
        help="why: shown to the organizations' admins and kept in the audit; required to set or lift "
        "(the database checks it: 22023 for a blank, over-long or control-character reason)",
    )
    parser.add_argument(
        "--incident",
        help="incident reference for a new lockdown, shown to the admins and kept in the audit "
        "(checked by the database like --reason; default: lockdown-<UTC time>)",
    )
    parser.add_argument("--dry-run", action="store_true", help="report what would change; change nothing")
    parser.add_argument(
        "--lock-timeout",
        default=DEFAULT_LOCK_TIMEOUT,
        help=f"per-statement lock wait before a scope fails (default {DEFAULT_LOCK_TIMEOUT})",
    )
    parser.set_defaults(run=run, check=check)


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    common.require_db_url(parser, args)
    if args.status:
        given = [
            flag
            for flag, value in (
                ("--organization", args.organization),
                ("--all", args.all),
                ("--reason", args.reason),
                ("--incident", args.incident),
                ("--dry-run", args.dry_run),
            )
            if value
        ]
        if given:
            parser.error(f"--status takes none of {', '.join(given)}")
        return
    if not args.organization and not args.all:
        parser.error("one of --organization or --all is required (or --status)")
    if args.reason is None:
        parser.error("--reason is required to set or lift a lockdown")
    if args.lift:
        if args.incident is not None:
            parser.error("--incident is recorded when a lockdown is set; --lift takes only --reason")
        return
    if args.incident is None:
        args.incident = "lockdown-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        with common.connect(args.db_url, "org-integrations lockdown") as conn:
            common.check_role(conn, args.role)
            require_functions(conn)
            if args.status:
                status(conn, args.role, out)
                return common.OK
            scopes = [GLOBAL] if args.all else organization_scopes(conn, args.organization, args.role)
            outcome = apply(
                conn,
                scopes,
                out,
                lift=args.lift,
                reason=args.reason,
                incident=args.incident,
                role=args.role,
                dry_run=args.dry_run,
                lock_timeout=args.lock_timeout,
            )
    except common.NotStarted as exc:
        print(f"error: {exc}", file=err)
        return common.NOT_STARTED
    return common.INCOMPLETE if outcome.failed else common.OK


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """This command alone: the same as ``org-integrations lockdown ARGS``."""
    from org_integrations import cli  # the dispatcher imports this module

    return cli.main(["lockdown", *(sys.argv[1:] if argv is None else argv)], out, err)
