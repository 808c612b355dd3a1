#!/usr/bin/env python3
"""Breach runbook: revoke every integration credential of one organization, several, or all of them.

    python tools/emergency_revoke.py --db-url URL --organization ID [--organization ID ...] [--dry-run]
    python tools/emergency_revoke.py --db-url URL --all [--dry-run] [--incident INC-123]

Acts as service_role. Each organization is handled in its own transaction by
public.emergency_revoke_credentials (migration 20261127600200): every Vault
secret of its integrations is deleted, the integrations are set 'inactive', the
credential audit gets one 'revoke' row per integration plus one
'emergency_revoke' row, and the organization's admins get one
'credentials_revoked' notification telling them to rotate each credential at the
external system and enter the new one. Before committing, the same transaction
checks that nothing revocable is left.

--dry-run lists what would change and changes nothing. Running again is safe: an
organization with nothing left to revoke is skipped and nothing is written.

URL must be able to SET ROLE service_role: the `postgres` connection string of
the project (Dashboard > Connect), or a local URL. Exit codes: 0 done; 1 some
organization failed or still has a credential (see the output; rerun after
fixing); 2 usage, connection or setup problem, nothing changed.
See docs/incident-response.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import uuid
from dataclasses import dataclass, field

import psycopg
from psycopg import errors

# Transient: another transaction held a row this one needs; retry the organization.
RETRYABLE = (errors.LockNotAvailable, errors.DeadlockDetected, errors.SerializationFailure, errors.QueryCanceled)
ATTEMPTS = 3
ACT_AS_SERVICE_ROLE = (
    "select pg_catalog.set_config('request.jwt.claims', '{\"role\": \"service_role\"}', true), "
    "pg_catalog.set_config('role', 'service_role', true)"
)
REVOKE = (
    "select integration_id, provider, display_name, status_before::text, vault_secret_id "
    "from public.emergency_revoke_credentials(%s, %s, %s)"
)


class Abort(Exception):
    """Stop before changing anything (or before the next organization); the message says why."""


@dataclass
class Summary:
    changed: int = 0
    clean: int = 0
    credentials: int = 0
    failed: list[str] = field(default_factory=list)


def say(line: str) -> None:
    print(line, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db-url", required=True, help="PostgreSQL URL of a role that may SET ROLE service_role")
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
    parser.add_argument("--lock-timeout", default="5s", help="per-statement lock wait before a retry (default 5s)")
    args = parser.parse_args(argv)
    if args.incident is None:
        args.incident = "emergency-revoke-" + dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    if not args.incident.strip() or len(args.incident) > 200:
        parser.error("--incident must be 1 to 200 characters and not blank")
    return args


def act_as_service_role(conn: psycopg.Connection, lock_timeout: str) -> None:
    """Transaction-local, like PostgREST: role service_role and its claims, plus timeouts."""
    conn.execute(ACT_AS_SERVICE_ROLE)
    conn.execute("select pg_catalog.set_config('lock_timeout', %s, true)", [lock_timeout])
    conn.execute("select pg_catalog.set_config('statement_timeout', '60s', true)")


def organizations(conn: psycopg.Connection, args: argparse.Namespace) -> list[tuple[uuid.UUID, str]]:
    with conn.transaction():
        act_as_service_role(conn, args.lock_timeout)
        found = conn.execute(
            "select pg_catalog.to_regprocedure('public.emergency_revoke_credentials(uuid, text, boolean)')"
        ).fetchone()
        if found is None or found[0] is None:
            raise Abort("public.emergency_revoke_credentials is missing: apply migration 20261127600200 first")
        if args.all:
            rows = conn.execute("select id, name from public.organizations order by id").fetchall()
        else:
            wanted = list(dict.fromkeys(args.organization))
            rows = conn.execute(
                "select id, name from public.organizations where id = any(%s) order by id", [wanted]
            ).fetchall()
            unknown = set(wanted) - {row[0] for row in rows}
            if unknown:
                raise Abort(f"unknown organization(s): {', '.join(sorted(map(str, unknown)))}; nothing changed")
    return [(row[0], row[1]) for row in rows]


def revoke_one(
    conn: psycopg.Connection, org_id: uuid.UUID, args: argparse.Namespace
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """One transaction: revoke (or list), then list again to prove nothing is left. Returns (revoked, left)."""
    with conn.transaction() as tx:
        act_as_service_role(conn, args.lock_timeout)
        revoked = conn.execute(REVOKE, [org_id, args.incident, args.dry_run]).fetchall()
        left = [] if args.dry_run else conn.execute(REVOKE, [org_id, args.incident, True]).fetchall()
        if args.dry_run:
            # The function changes nothing in a dry run; roll back anyway.
            raise psycopg.Rollback(tx)
    return revoked, left


def describe(row: tuple[object, ...]) -> str:
    integration_id, provider, display_name, status_before, secret_id = row
    name = f' "{display_name}"' if display_name else ""
    secret = f"vault secret {secret_id}" if secret_id else "vault secret kept by name"
    return f"integration {integration_id} {provider}{name} ({status_before} -> inactive), {secret}"


def run(conn: psycopg.Connection, args: argparse.Namespace) -> Summary:
    targets = organizations(conn, args)
    mode = "DRY RUN, nothing will change" if args.dry_run else "revoking"
    say(f"emergency_revoke: incident {args.incident!r}: {len(targets)} organization(s), {mode}")
    summary = Summary()
    verb = "would revoke" if args.dry_run else "revoked"
    for number, (org_id, name) in enumerate(targets, start=1):
        prefix = f"[{number}/{len(targets)}] organization {org_id} {name!r}"
        for attempt in range(1, ATTEMPTS + 1):
            try:
                revoked, left = revoke_one(conn, org_id, args)
                break
            except RETRYABLE as exc:
                if attempt == ATTEMPTS:
                    summary.failed.append(f"{org_id}: {exc.sqlstate} after {ATTEMPTS} attempts")
                    say(f"{prefix}: FAILED ({exc.sqlstate}: {exc.diag.message_primary}); rerun to retry")
                    revoked, left = None, None
                    break
                say(f"{prefix}: busy ({exc.sqlstate}), retrying")
                time.sleep(attempt)
            except psycopg.Error as exc:
                if conn.broken:
                    untouched = len(targets) - number + 1
                    summary.failed.append(f"connection lost at {org_id}; {untouched} organization(s) not processed")
                    say(f"{prefix}: CONNECTION LOST ({exc}); rerun the same command, it is idempotent")
                    return summary
                summary.failed.append(f"{org_id}: {exc.sqlstate} {exc.diag.message_primary}")
                say(f"{prefix}: FAILED ({exc.sqlstate}: {exc.diag.message_primary})")
                revoked, left = None, None
                break
        if revoked is None or left is None:
            continue
        if not revoked:
            summary.clean += 1
            say(f"{prefix}: nothing to revoke")
            continue
        summary.changed += 1
        summary.credentials += len(revoked)
        notice = "" if args.dry_run else ", admins notified"
        say(f"{prefix}: {verb} {len(revoked)} credential(s){notice}")
        for row in revoked:
            say(f"    - {describe(row)}")
        if left:
            summary.failed.append(f"{org_id}: {len(left)} credential(s) still present after the revoke")
            say(f"{prefix}: STILL PRESENT after the revoke ({len(left)}):")
            for row in left:
                say(f"    ! {describe(row)}")
    return summary


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        conn = psycopg.connect(args.db_url, application_name="emergency_revoke")
    except psycopg.Error as exc:
        print(f"error: cannot connect: {exc}", file=sys.stderr)
        return 2
    with conn:
        try:
            summary = run(conn, args)
        except Abort as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except psycopg.errors.InsufficientPrivilege as exc:
            print(f"error: this connection cannot act as service_role: {exc}", file=sys.stderr)
            return 2
    verb = "to revoke (dry run)" if args.dry_run else "revoked"
    say(
        f"summary: {summary.credentials} credential(s) {verb} in {summary.changed} organization(s); "
        f"{summary.clean} had nothing to revoke; {len(summary.failed)} failed"
    )
    for failure in summary.failed:
        say(f"  failed: {failure}")
    return 1 if summary.failed else 0


if __name__ == "__main__":
    sys.exit(main())
