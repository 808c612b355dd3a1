#!/usr/bin/env python3
"""Deploy migrations under a live client workload and measure what the clients see.

1. Resets a throwaway PostgreSQL 15 cluster with the platform layer (or
   --db-url, whose data it REPLACES) with the real CLI to --from:
   `supabase db reset --version <from> --no-seed`. Default --from: the newest
   migration released in supabase/migrations.sha256.
2. Loads --rows integrations (default 1,000,000) across --organizations
   (default 10,000) with set-based SQL as postgres: an admin and a coordinator
   per organization, 10% of integrations active, nine in ten of those with a
   credential in Vault (named as private.credential_secret_name does; linked
   when the schema has vault_secret_id, otherwise kept as a rollback keeps
   them), the rest active without one where the schema still allows that, and
   audit rows in the audit tables the schema has.
3. Starts clients, each on its own connection, as PostgREST would run them
   (`set_config('role', ..., true)` and `request.jwt.claims`): admins listing
   their organization's integrations and renaming one through RLS,
   coordinators reading, service_role workers reading an active integration,
   retrieving its credential (when the schema has retrieve_credential) and
   updating its status. Clients use only what the --from schema offers, as
   deployed application code would.
4. After --phase-seconds of steady load, applies every newer migration with
   `supabase migration up --db-url` (with --predeploy: first
   tools/predeploy_credentials.py), then keeps the load for --phase-seconds.

It prints each migration's duration with the client transactions, failures,
p99 and max latency and longest lock wait in its window (a failure belongs to
the migration being applied when the error came back); throughput and latency
before, during and after; and every failed client transaction by SQLSTATE and
migration. Exit 1 on any failed client transaction, a failed migration, a lost
row, or (with --max-stall, set by --gate) a client transaction or lock wait
longer than that; 2 if the run could not happen.

    python tools/bench_upgrade.py                                   # newest release -> working tree, 1M rows
    python tools/bench_upgrade.py --gate                            # the test command's gate: 50k rows, 1 s stalls
    python tools/bench_upgrade.py --from 20261127200800             # the credential group, window included
    python tools/bench_upgrade.py --from 20261127200800 --predeploy # ... closed by the pre-deploy step

The machine's other load changes the figures: compare runs made side by side.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from harness.cli_migrate import MigrateResult, migrate_up, reset_to_version  # noqa: E402
from harness.cluster import DEFAULT_PRIVILEGE_MODES, HarnessError, install_platform, start_cluster  # noqa: E402
from harness.reset import MIGRATION_NAME, migration_files  # noqa: E402
from predeploy_credentials import CHECK_ADDED, PredeployResult, predeploy  # noqa: E402

MANIFEST = ROOT / "supabase" / "migrations.sha256"
ORG_PREFIX = "00000000-0000-4000-8000-"
ADMIN_PREFIX = "00000001-0000-4000-8000-"
COORDINATOR_PREFIX = "00000002-0000-4000-8000-"
INTEGRATION_PREFIX = "00000003-0000-4000-8000-"
APP_NAME = "bench_upgrade"


def uid(prefix: str, n: int) -> str:
    return f"{prefix}{n:012x}"


# ---------------------------------------------------------------- versions


def local_versions(project: Path) -> list[tuple[str, str]]:
    out = []
    for path in migration_files(project):
        match = MIGRATION_NAME.match(path.name)
        assert match is not None
        out.append((match.group(1), path.stem))
    return out


def newest_released(manifest: Path) -> str:
    versions = [
        MIGRATION_NAME.match(line.split("migrations/", 1)[1])
        for line in manifest.read_text().splitlines()
        if "migrations/" in line
    ]
    found = [m.group(1) for m in versions if m is not None]
    if not found:
        raise HarnessError(f"{manifest}: no released migration listed")
    return max(found)


# ---------------------------------------------------------------- load


@dataclass
class Schema:
    """What the --from schema offers clients and the loader."""

    has_vault_column: bool
    has_active_check: bool
    has_credential_audit: bool
    has_config_repairs: bool
    has_retrieve: bool


def inspect_schema(conn: psycopg.Connection) -> Schema:
    row = conn.execute(
        """
        select
            exists (
                select from pg_catalog.pg_attribute as a
                where a.attrelid = 'public.organization_integrations'::regclass
                    and a.attname = 'vault_secret_id' and not a.attisdropped
            ),
            exists (
                select from pg_catalog.pg_constraint as c
                where c.conrelid = 'public.organization_integrations'::regclass
                    and c.conname = 'chk_active_integration_has_vault_ref'
            ),
            pg_catalog.to_regclass('public.credential_audit') is not null,
            pg_catalog.to_regclass('private.integration_config_repairs') is not null,
            pg_catalog.to_regprocedure('public.retrieve_credential(uuid)') is not null
        """
    ).fetchone()
    assert row is not None
    return Schema(*row)


def load(url: str, rows: int, organizations: int) -> tuple[Schema, dict[str, int]]:
    """Set-based load as postgres. Returns the schema and row counts."""
    hexid = "pg_catalog.lpad(pg_catalog.to_hex({}), 12, '0')"
    with psycopg.connect(url, autocommit=True) as conn:
        schema = inspect_schema(conn)
        conn.execute("set statement_timeout = 0")
        conn.execute(
            "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, "
            "raw_app_meta_data, raw_user_meta_data, created_at, updated_at) "
            "select '00000000-0000-0000-0000-000000000000', "
            f"(case when u.r = 1 then '{ADMIN_PREFIX}' else '{COORDINATOR_PREFIX}' end || {hexid.format('k')})::uuid, "
            "'authenticated', 'authenticated', "
            "(case when u.r = 1 then 'admin' else 'coordinator' end) || k || '@bench.example', '', now(), "
            """'{"provider": "email", "providers": ["email"]}', '{}', now(), now() """
            "from pg_catalog.generate_series(1, %s) as k cross join (values (1), (2)) as u (r)",
            [organizations],
        )
        conn.execute(
            "insert into public.organizations (id, name) "
            f"select ('{ORG_PREFIX}' || {hexid.format('k')})::uuid, 'Organization ' || k "
            "from pg_catalog.generate_series(1, %s) as k",
            [organizations],
        )
        conn.execute(
            "insert into public.organization_members (organization_id, user_id, role) "
            f"select ('{ORG_PREFIX}' || {hexid.format('k')})::uuid, "
            f"(case when u.r = 1 then '{ADMIN_PREFIX}' else '{COORDINATOR_PREFIX}' end || {hexid.format('k')})::uuid, "
            "(case when u.r = 1 then 'admin' else 'coordinator' end)::public.organization_role "
            "from pg_catalog.generate_series(1, %s) as k cross join (values (1), (2)) as u (r)",
            [organizations],
        )
        # Integration g belongs to organization 1 + (g - 1) % organizations (rows of an
        # organization are spread over the table, as years of inserts leave them).
        # Active: g % 10 = 0; of those, g % 100 = 0 have no credential (only where the
        # schema has no validated-or-pending check yet); error: g % 50 = 7.
        active_status = "'inactive'" if schema.has_active_check else "'active'"
        conn.execute(
            "insert into public.organization_integrations "
            "(id, organization_id, provider, display_name, status, created_by, created_at, updated_at) "
            f"select ('{INTEGRATION_PREFIX}' || {hexid.format('g')})::uuid, "
            f"('{ORG_PREFIX}' || {hexid.format('1 + (g - 1) %% %s')})::uuid, "
            "(array['salesforce', 'hubspot', 'pipedrive', 'google_sheets', 'zendesk'])[1 + g %% 5], "
            "'Integration ' || g, "
            f"(case when g %% 10 = 0 then {active_status} when g %% 50 = 7 then 'error' else 'inactive' end)"
            "::public.integration_status, "
            f"('{ADMIN_PREFIX}' || {hexid.format('1 + (g - 1) %% %s')})::uuid, "
            "now() - interval '400 days' + g * interval '1 second', now() - interval '1 day' "
            "from pg_catalog.generate_series(1, %s) as g",
            [organizations, organizations, rows],
        )
        # Credentials: through Vault's API, named after the integration.
        conn.execute(
            "select vault.create_secret('sk_live_' || pg_catalog.md5(g::text), "
            f"'integration_credential:' || ('{INTEGRATION_PREFIX}' || {hexid.format('g')})::uuid, "
            "'bench credential') "
            "from pg_catalog.generate_series(10, %s, 10) as g "
            "where g %% 100 <> 0 or %s",
            [rows, schema.has_active_check],
        )
        if schema.has_vault_column:
            # The integrity trigger checks every link.
            activate = ", status = 'active'" if schema.has_active_check else ""
            conn.execute(
                f"update public.organization_integrations as i set vault_secret_id = s.id{activate} "
                "from vault.secrets as s where s.name = 'integration_credential:' || i.id::text"
            )
        if schema.has_credential_audit:
            # A store per credential and a retrieve per credential and day of the last week.
            conn.execute(
                "insert into public.credential_audit (organization_id, integration_id, vault_secret_id, action_name, "
                "actor_role, occurred_at) "
                "select i.organization_id, i.id, i.vault_secret_id, a.action_name, a.actor_role, "
                "now() - a.days * interval '1 day' "
                "from public.organization_integrations as i "
                "cross join (values ('store', 'authenticated', 30), ('retrieve', 'service_role', 1), "
                "('retrieve', 'service_role', 2), ('retrieve', 'service_role', 3)) "
                "as a (action_name, actor_role, days) "
                "where i.vault_secret_id is not null"
            )
        if schema.has_config_repairs:
            conn.execute(
                "insert into private.integration_config_repairs (repair_run_id, integration_id, organization_id, "
                "status_before, status_after, field_mappings_before, field_mappings_problems, sync_schedule_before, "
                "sync_schedule_problems) "
                "select '00000009-0000-4000-8000-000000000001', i.id, i.organization_id, i.status, i.status, "
                """'{"Account.Name": "customer_name"}', array['not a versioned document'], i.sync_schedule, '{}' """
                "from public.organization_integrations as i where i.id::text like '%%3'"
            )
        counts: dict[str, int] = {}
        for table in ("public.organization_integrations", "public.organization_members", "vault.secrets"):
            counts[table] = conn.execute(f"select pg_catalog.count(*) from {table}").fetchone()[0]  # type: ignore[index]
        for table in ("public.credential_audit", "private.integration_config_repairs"):
            if conn.execute("select pg_catalog.to_regclass(%s)", [table]).fetchone()[0] is not None:  # type: ignore[index]
                counts[table] = conn.execute(f"select pg_catalog.count(*) from {table}").fetchone()[0]  # type: ignore[index]
        conn.execute("vacuum analyze")
    return schema, counts


# ---------------------------------------------------------------- workload


@dataclass
class Tx:
    kind: str
    start: float
    end: float
    sqlstate: str | None = None
    message: str = ""


class Client(threading.Thread):
    """One application connection running one kind of transaction in a closed loop."""

    def __init__(
        self, kind: str, number: int, url: str, schema: Schema, rows: int, organizations: int, stop: threading.Event
    ) -> None:
        super().__init__(name=f"{kind}-{number}", daemon=True)
        self.kind = kind
        self.url = url
        self.schema = schema
        self.rows = rows
        self.organizations = organizations
        self.stop_event = stop
        self.rng = random.Random(f"{kind}-{number}")
        self.results: list[Tx] = []
        self.ready = threading.Event()
        self.error: BaseException | None = None

    def _integration_of(self, org: int) -> int:
        """A random integration of organization ``org`` (1-based)."""
        per_org = max(1, (self.rows - org) // self.organizations + 1)
        return org + self.organizations * self.rng.randrange(per_org)

    def _active_integration(self) -> int:
        return 10 * self.rng.randint(1, max(1, self.rows // 10))

    def _as_user(self, conn: psycopg.Connection, user: str) -> None:
        conn.execute(
            "select pg_catalog.set_config('role', 'authenticated', true), "
            "pg_catalog.set_config('request.jwt.claims', %s, true)",
            [f'{{"sub": "{user}", "role": "authenticated"}}'],
        )

    def _list(self, conn: psycopg.Connection, org: int) -> None:
        """The organization's integrations, as the dashboard lists them (RLS applies)."""
        conn.execute(
            "select i.id, i.provider, i.display_name, i.status from public.organization_integrations as i "
            "where i.organization_id = %s order by i.provider, i.id limit 50",
            [uid(ORG_PREFIX, org)],
        ).fetchall()

    def admin(self, conn: psycopg.Connection) -> None:
        org = self.rng.randint(1, self.organizations)
        self._as_user(conn, uid(ADMIN_PREFIX, org))
        self._list(conn, org)
        conn.execute(
            "update public.organization_integrations set display_name = %s where id = %s",
            [f"Renamed {self.rng.randrange(10**6)}", uid(INTEGRATION_PREFIX, self._integration_of(org))],
        )

    def coordinator(self, conn: psycopg.Connection) -> None:
        org = self.rng.randint(1, self.organizations)
        self._as_user(conn, uid(COORDINATOR_PREFIX, org))
        self._list(conn, org)
        conn.execute(
            "select i.id, i.display_name, i.status, i.field_mappings, i.sync_schedule "
            "from public.organization_integrations as i where i.id = %s",
            [uid(INTEGRATION_PREFIX, self._integration_of(org))],
        ).fetchall()

    def worker(self, conn: psycopg.Connection) -> None:
        integration = uid(INTEGRATION_PREFIX, self._active_integration())
        conn.execute("select pg_catalog.set_config('role', 'service_role', true)")
        columns = "i.status, i.vault_secret_id" if self.schema.has_vault_column else "i.status, null::uuid"
        row = conn.execute(
            f"select {columns}, i.field_mappings, i.sync_schedule from public.organization_integrations as i "
            "where i.id = %s",
            [integration],
        ).fetchone()
        if row is None or row[0] != "active":
            return
        if self.schema.has_retrieve and row[1] is not None:
            conn.execute("select public.retrieve_credential(%s)", [row[1]]).fetchone()
        # A sync run: mostly fine (the row is written either way), sometimes failing.
        status = "error" if self.rng.random() < 0.02 else "active"
        conn.execute(
            "update public.organization_integrations set status = %s where id = %s and status = 'active'",
            [status, integration],
        )

    def _connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url, application_name=f"{APP_NAME}:{self.name}")

    def run(self) -> None:
        step = getattr(self, self.kind)
        try:
            conn = self._connect()
        except psycopg.Error as exc:
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        try:
            while not self.stop_event.is_set():
                start = time.monotonic()
                try:
                    step(conn)
                    conn.commit()
                    self.results.append(Tx(self.kind, start, time.monotonic()))
                except psycopg.Error as exc:
                    end = time.monotonic()
                    diag = exc.diag
                    detail = diag.constraint_name or diag.message_primary or str(exc)
                    self.results.append(Tx(self.kind, start, end, diag.sqlstate or "08000", detail))
                    if conn.closed or conn.broken:
                        conn = self._connect()
                    else:
                        conn.rollback()
        except BaseException as exc:  # a client that stops early must fail the run, not shrink it
            self.error = exc
        finally:
            conn.close()


@dataclass
class LockWait:
    seconds: float
    seen_at: float
    waiter: str
    mode: str
    relation: str


class LockMonitor(threading.Thread):
    """Polls pg_locks.waitstart and keeps the longest wait of every waiting lock request."""

    SQL = """
        select
            l.pid, l.waitstart,
            extract(epoch from (pg_catalog.clock_timestamp() - l.waitstart))::float8,
            l.mode, coalesce(c.relname::text, l.locktype),
            coalesce(nullif(a.application_name, ''), 'other') || ': ' || pg_catalog.left(a.query, 60)
        from pg_catalog.pg_locks as l
        left join pg_catalog.pg_class as c on c.oid = l.relation
        left join pg_catalog.pg_stat_activity as a on a.pid = l.pid
        where not l.granted and l.waitstart is not null and l.pid <> pg_catalog.pg_backend_pid()
    """

    def __init__(self, url: str, stop: threading.Event, interval: float = 0.02) -> None:
        super().__init__(name="lock-monitor", daemon=True)
        self.url = url
        self.stop_event = stop
        self.interval = interval
        self.waits: dict[tuple[int, object], LockWait] = {}

    def run(self) -> None:
        with psycopg.connect(self.url, autocommit=True, application_name=f"{APP_NAME}:monitor") as conn:
            while not self.stop_event.is_set():
                now = time.monotonic()
                for pid, waitstart, seconds, mode, relation, waiter in conn.execute(self.SQL):
                    key = (pid, waitstart)
                    known = self.waits.get(key)
                    if known is None or seconds > known.seconds:
                        self.waits[key] = LockWait(seconds, now, waiter.replace("\n", " "), mode, relation)
                time.sleep(self.interval)


# ---------------------------------------------------------------- report


def pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    out = [
        "  ".join(h.ljust(w) if i == 0 else h.rjust(w) for i, (h, w) in enumerate(zip(headers, widths, strict=True)))
    ]
    for row in rows:
        out.append(
            "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        )
    return "\n".join(out)


@dataclass
class Window:
    label: str
    start: float
    end: float


@dataclass
class Deploy:
    windows: list[Window] = field(default_factory=list)
    start: float = 0.0
    end: float = 0.0
    failed: str = ""
    predeploy: PredeployResult | None = None


def windows_of(result: MigrateResult, prefix: str = "") -> list[Window]:
    return [Window(f"{prefix}{w.version}_{w.name}", w.start, w.end) for w in result.windows]


def run_deploy(url: str, project: Path, with_predeploy: bool) -> Deploy:
    deploy = Deploy(start=time.monotonic())
    if with_predeploy:
        try:
            pre = predeploy(url, project)
        except (HarnessError, psycopg.Error) as exc:
            deploy.failed = f"pre-deploy step: {exc}"
            deploy.end = time.monotonic()
            return deploy
        deploy.predeploy = pre
        if pre.migrate is not None:
            deploy.windows += windows_of(pre.migrate, "pre-deploy ")
        if pre.batches:
            deploy.windows.append(
                Window(f"pre-deploy relink + deactivate ({pre.batches} batches)", pre.fix_started, pre.fix_finished)
            )
    result = migrate_up(url, project)
    deploy.windows += windows_of(result)
    deploy.end = time.monotonic()
    if not result.ok:
        deploy.failed = f"supabase migration up failed (exit {result.returncode}):\n" + "\n".join(result.output)
    return deploy


def label_at(deploy: Deploy, t: float) -> str:
    """The phase or migration window that ``t`` falls in."""
    if t < deploy.start:
        return "before"
    if t >= deploy.end:
        return "after"
    for window in deploy.windows:
        if window.start <= t < window.end:
            return window.label
    return "deploy (CLI start-up or between steps)"


def summarize(txs: list[Tx]) -> tuple[int, int, float, float, float]:
    latencies = [t.end - t.start for t in txs]
    failed = sum(1 for t in txs if t.sqlstate)
    return len(txs), failed, pct(latencies, 0.5), pct(latencies, 0.99), max(latencies, default=0.0)


def report(
    txs: list[Tx],
    waits: list[LockWait],
    deploy: Deploy,
    phases: list[Window],
    max_stall: float | None,
) -> tuple[str, bool, float]:
    lines: list[str] = []
    # Per migration
    rows = []
    for window in deploy.windows:
        inside = [t for t in txs if window.start <= t.end < window.end]
        waits_in = [w for w in waits if window.start <= w.seen_at < window.end + 0.05]
        count, failed, _p50, p99, worst = summarize(inside)
        waited = max((w.seconds for w in waits_in), default=0.0)
        rows.append(
            [window.label, f"{window.end - window.start:.3f}", str(count), str(failed), ms(p99), ms(worst), ms(waited)]
        )
    total = deploy.end - deploy.start
    rows.append(["total (CLI start-up included)", f"{total:.3f}", "", "", "", "", ""])
    lines.append(table(["migration", "seconds", "client tx", "failed", "p99 ms", "max ms", "lock wait ms"], rows))
    # Phases
    lines.append("")
    rows = []
    for phase in phases:
        inside = [t for t in txs if phase.start <= t.end < phase.end]
        count, failed, p50, p99, worst = summarize(inside)
        seconds = phase.end - phase.start
        rate = count / seconds if seconds > 0 else 0.0
        rows.append(
            [phase.label, f"{seconds:.1f}", str(count), f"{rate:.0f}", str(failed), ms(p50), ms(p99), ms(worst)]
        )
    lines.append(table(["phase", "seconds", "client tx", "tx/s", "failed", "p50 ms", "p99 ms", "max ms"], rows))
    # Failures
    failures = Counter((t.sqlstate or "", label_at(deploy, t.end), t.kind, t.message) for t in txs if t.sqlstate)
    lines.append("")
    if failures:
        rows = [[s, where, kind, msg[:60], str(n)] for (s, where, kind, msg), n in sorted(failures.items())]
        lines.append(table(["SQLSTATE", "during", "client", "constraint / message", "failed tx"], rows))
    else:
        lines.append("failed client transactions: none")
    # Worst cases
    longest = max(waits, key=lambda w: w.seconds, default=None)
    worst_tx = max(txs, key=lambda t: t.end - t.start, default=None)
    lines.append("")
    if longest is not None:
        lines.append(
            f"longest lock wait: {ms(longest.seconds)} ms during {label_at(deploy, longest.seen_at)}: "
            f"{longest.waiter} waited for {longest.mode} on {longest.relation}"
        )
    else:
        lines.append("longest lock wait: none seen (polled every 20 ms)")
    stall = 0.0
    if worst_tx is not None:
        stall = worst_tx.end - worst_tx.start
        where = label_at(deploy, worst_tx.end)
        lines.append(f"slowest client transaction: {ms(stall)} ms ({worst_tx.kind}, ended during {where})")
    stall = max(stall, longest.seconds if longest else 0.0)
    failed_total = sum(failures.values())
    ok = failed_total == 0 and not deploy.failed and (max_stall is None or stall <= max_stall)
    return "\n".join(lines), ok, stall


# ---------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="from_version", help="reset to this version first (default: newest released)")
    parser.add_argument("--rows", type=int, help="integrations to load (default 1,000,000; 50,000 with --gate)")
    parser.add_argument("--organizations", type=int, default=10_000, help="organizations (default 10,000)")
    parser.add_argument("--db-url", help="use this database instead of a throwaway cluster: ITS DATA IS REPLACED")
    parser.add_argument("--default-privileges", choices=DEFAULT_PRIVILEGE_MODES, default="legacy")
    parser.add_argument("--admins", type=int, default=2, help="admin clients (default 2)")
    parser.add_argument("--coordinators", type=int, default=1, help="coordinator clients (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="service_role worker clients (default 2)")
    parser.add_argument(
        "--phase-seconds", type=float, help="load before and after the deploy (default 10; 3 with --gate)"
    )
    parser.add_argument(
        "--predeploy", action="store_true", help="run tools/predeploy_credentials.py before migration up"
    )
    parser.add_argument("--max-stall", type=float, help="fail if a client transaction or lock wait took longer (s)")
    parser.add_argument(
        "--gate",
        action="store_true",
        help="the test command's gate: 50,000 rows, --max-stall 1, and pass when nothing is newer than --from",
    )
    parser.add_argument("--project", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows is None:
        args.rows = 50_000 if args.gate else 1_000_000
    if args.phase_seconds is None:
        args.phase_seconds = 3.0 if args.gate else 10.0
    if args.gate and args.max_stall is None:
        args.max_stall = 1.0
    args.organizations = max(1, min(args.organizations, args.rows))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    project: Path = args.project
    versions = local_versions(project)
    from_version = args.from_version or newest_released(project / "supabase" / "migrations.sha256")
    if from_version not in {v for v, _ in versions}:
        print(f"bench_upgrade: --from {from_version} is not a migration in supabase/migrations", file=sys.stderr)
        return 2
    pending = [name for v, name in versions if v > from_version]
    if not pending:
        print(f"bench_upgrade: no migration newer than {from_version}: nothing to deploy, nothing to measure (pass)")
        return 0
    if args.predeploy and not (from_version < CHECK_ADDED <= max(v for v, _ in versions)):
        print(f"bench_upgrade: --predeploy is for upgrades across {CHECK_ADDED}", file=sys.stderr)
        return 2

    cluster = None
    stop: threading.Event | None = None
    try:
        if args.db_url:
            url = args.db_url
        else:
            cluster = start_cluster()
            install_platform(cluster, args.default_privileges)
            url = cluster.url()
        t0 = time.monotonic()
        reset_to_version(url, project, from_version)
        t1 = time.monotonic()
        schema, counts = load(url, args.rows, args.organizations)
        t2 = time.monotonic()
        print(
            f"bench_upgrade: {from_version} -> {pending[-1].split('_', 1)[0]} ({len(pending)} migrations), "
            f"{args.rows:,} integrations in {args.organizations:,} organizations"
            f"{', with the pre-deploy step' if args.predeploy else ''}; {os.cpu_count()} CPUs, "
            f"load average {os.getloadavg()[0]:.1f} (other processes share them)"
        )
        print(
            f"reset {t1 - t0:.1f} s, load {t2 - t1:.1f} s: "
            + ", ".join(f"{table} {n:,}" for table, n in counts.items())
        )

        stop = threading.Event()
        kinds = ["admin"] * args.admins + ["coordinator"] * args.coordinators + ["worker"] * args.workers
        clients = [Client(k, i, url, schema, args.rows, args.organizations, stop) for i, k in enumerate(kinds)]
        monitor = LockMonitor(url, stop)
        for client in clients:
            client.start()
        for client in clients:
            client.ready.wait()
            if client.error is not None:
                raise HarnessError(f"client {client.name} could not connect: {client.error}")
        monitor.start()
        time.sleep(1.0)  # warm-up: connections, plans, caches
        before = Window("before", time.monotonic(), 0.0)
        time.sleep(args.phase_seconds)
        before.end = time.monotonic()
        deploy = run_deploy(url, project, args.predeploy)
        during = Window(
            "during (first migration to CLI exit)",
            deploy.windows[0].start if deploy.windows else deploy.start,
            deploy.end,
        )
        time.sleep(args.phase_seconds)
        after = Window("after", deploy.end, time.monotonic())
        stop.set()
        for client in clients:
            client.join(timeout=30)
        monitor.join(timeout=5)
        stopped_early = [f"client {c.name} stopped early: {c.error!r}" for c in clients if c.error is not None]

        txs = [t for c in clients for t in c.results]
        text, ok, stall = report(txs, list(monitor.waits.values()), deploy, [before, during, after], args.max_stall)
        print()
        print(text)
        problems = stopped_early
        if deploy.failed:
            problems.append(deploy.failed)
        if deploy.predeploy is not None and deploy.predeploy.batches:
            pre = deploy.predeploy
            print(
                f"pre-deploy step: re-linked {pre.relinked:,}, deactivated {pre.deactivated:,} in {pre.batches} "
                f"batches, longest batch {ms(pre.longest_batch)} ms"
            )
        with psycopg.connect(url) as conn:
            remaining = conn.execute("select pg_catalog.count(*) from public.organization_integrations").fetchone()
            applied = {r[0] for r in conn.execute("select version from supabase_migrations.schema_migrations")}
        if remaining is None or remaining[0] != counts["public.organization_integrations"]:
            problems.append(f"integrations before {counts['public.organization_integrations']:,}, after {remaining}")
        missing = [v for v, _ in versions if v not in applied]
        if missing:
            problems.append(f"not applied: {', '.join(missing)}")
        failed_tx = sum(1 for t in txs if t.sqlstate)
        if failed_tx:
            problems.append(f"{failed_tx} failed client transaction(s)")
        if args.max_stall is not None and stall > args.max_stall:
            problems.append(f"stall of {stall:.2f} s exceeds {args.max_stall:.2f} s")
        print()
        if problems or not ok:
            for problem in problems:
                print(f"bench_upgrade: FAIL: {problem}")
            return 1
        print(
            "bench_upgrade: PASS: no failed client transaction"
            + (f", no stall over {args.max_stall:g} s" if args.max_stall else "")
        )
        return 0
    except HarnessError as exc:
        print(f"bench_upgrade: {exc}", file=sys.stderr)
        return 2
    finally:
        if stop is not None:
            stop.set()
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
