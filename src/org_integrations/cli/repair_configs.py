"""``org-integrations repair-configs``: repair integration configurations that fail the version 1 schemas.

Calls public.repair_integration_configs over the whole
organization_integrations table in id-range batches, all under one run id:
invalid field_mappings / sync_schedule documents are reset to the safe
defaults, active integrations among them are set inactive, the old documents
and their problems go to private.integration_config_repairs, and each
affected organization's admins get one notification for the run.

    org-integrations repair-configs --db-url URL [--dry-run]

--dry-run runs every batch in a read-only transaction and prints the same
report without changing anything. Each batch of a real run commits on its own,
so an interrupted run keeps what it did; run it again to finish (a run that
finds nothing to do changes nothing). Progress goes to stderr, the report to
stdout.

Connecting, --role (default service_role) and exit codes are the same for every
org-integrations command: see org_integrations.cli.common.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn, TextIO

import psycopg
from tqdm import tqdm

from org_integrations.cli import common
from org_integrations.cli.common import printable

DEFAULT_BATCH_SIZE = 10_000
REPAIR_FUNCTION = "public.repair_integration_configs(boolean, uuid, uuid, uuid)"
TOP_PROBLEMS = 20
TOP_ORGANIZATIONS = 50


@dataclass
class OrganizationReport:
    organization_id: uuid.UUID
    name: str | None = None
    integrations: int = 0
    field_mappings: int = 0
    sync_schedule: int = 0
    deactivated: int = 0


@dataclass
class Report:
    run_id: uuid.UUID
    dry_run: bool
    total_rows: int = 0
    batches: int = 0
    seconds: float = 0.0
    affected: int = 0  # integrations repaired, or that a dry run would repair
    organizations: dict[uuid.UUID, OrganizationReport] = field(default_factory=dict)
    problems: Counter[str] = field(default_factory=Counter)


# One call of the function per batch. The report is aggregated in the database,
# so a batch returns one row per organization and problem kind, not one per
# integration. Problem kinds drop what varies between documents: array indexes
# and quoted values. Identical problems are counted first, so the regular
# expressions run once per distinct problem rather than once per occurrence.
BATCH_SQL = r"""
with repaired as materialized (
    select
        f.organization_id, f.status_before, f.status_after, f.field_mappings_problems, f.sync_schedule_problems
    from public.repair_integration_configs(%(dry_run)s, %(run_id)s, %(after_id)s, %(upto_id)s) as f
),
problems as (
    select 'field_mappings ' || p.problem as problem
    from repaired as r cross join lateral pg_catalog.unnest(r.field_mappings_problems) as p (problem)
    union all
    select 'sync_schedule ' || p.problem
    from repaired as r cross join lateral pg_catalog.unnest(r.sync_schedule_problems) as p (problem)
)
select
    'organization', r.organization_id, null::text, pg_catalog.count(*),
    pg_catalog.count(*) filter (where pg_catalog.cardinality(r.field_mappings_problems) > 0),
    pg_catalog.count(*) filter (where pg_catalog.cardinality(r.sync_schedule_problems) > 0),
    pg_catalog.count(*) filter (where r.status_before is distinct from r.status_after)
from repaired as r
group by r.organization_id
union all
select
    'problem', null, pg_catalog.regexp_replace(
        pg_catalog.regexp_replace(p.problem, '\[[0-9]+\]', '[*]', 'g'), '"(?:[^"\\]|\\.)*"', '"…"', 'g'
    ), pg_catalog.sum(p.occurrences)::bigint, 0, 0, 0
from (
    select q.problem, pg_catalog.count(*) as occurrences
    from problems as q
    group by q.problem
) as p
group by 3
"""


def batch_bounds(
    conn: psycopg.Connection, batch_size: int, role: str
) -> tuple[int, list[tuple[uuid.UUID | None, uuid.UUID | None]]]:
    """(row count, [(after_id, upto_id), ...]) covering every id, each batch about batch_size rows.

    The first batch has no lower bound and the last no upper bound, so rows
    inserted meanwhile fall in some batch too.
    """
    common.act_as(conn, role)
    (total,) = conn.execute("select pg_catalog.count(*) from public.organization_integrations").fetchone() or (0,)
    # Every batch_size-th id, in id order, ends a batch; the last batch is open-ended.
    uppers = [
        row[0]
        for row in conn.execute(
            """
            select t.id
            from (
                select i.id, pg_catalog.row_number() over (order by i.id) as n
                from public.organization_integrations as i
            ) as t
            where t.n %% %s = 0 and t.n < %s
            order by t.id
            """,
            [batch_size, total],
        )
    ]
    conn.commit()
    lowers: list[uuid.UUID | None] = [None, *uppers]
    return total, list(zip(lowers, [*uppers, None], strict=True))


def repair(
    db_url: str,
    *,
    dry_run: bool,
    batch_size: int = DEFAULT_BATCH_SIZE,
    role: str = common.DEFAULT_ROLE,
    run_id: uuid.UUID | None = None,
    on_batch: Callable[[Report, int], None] | None = None,
) -> Report:
    """Run the repair (or a dry run) and return what it found; on_batch(report, batch number) after each batch."""
    report = Report(run_id=run_id or uuid.uuid4(), dry_run=dry_run)
    started = time.perf_counter()
    with common.connect(db_url, "org-integrations repair-configs") as conn:
        common.check_role(conn, role)
        common.require_function(conn, REPAIR_FUNCTION, "20261127200700")
        conn.execute("set lock_timeout = '10s'")
        conn.commit()
        # A dry run cannot write, whatever the function does.
        conn.read_only = dry_run
        report.total_rows, bounds = batch_bounds(conn, batch_size, role)
        report.batches = len(bounds)
        for number, (after_id, upto_id) in enumerate(bounds, start=1):
            with conn.transaction():
                common.act_as(conn, role)
                rows = conn.execute(
                    BATCH_SQL,
                    {"dry_run": dry_run, "run_id": report.run_id, "after_id": after_id, "upto_id": upto_id},
                ).fetchall()
            for kind, organization_id, problem, count, fm_count, ss_count, deactivated in rows:
                if kind == "problem":
                    report.problems[problem] += count
                    continue
                report.affected += count
                org = report.organizations.setdefault(organization_id, OrganizationReport(organization_id))
                org.integrations += count
                org.field_mappings += fm_count
                org.sync_schedule += ss_count
                org.deactivated += deactivated
            if on_batch is not None:
                on_batch(report, number)
        if report.organizations:
            common.act_as(conn, role)
            for org_id, name in conn.execute(
                "select o.id, o.name from public.organizations as o where o.id = any(%s)",
                [list(report.organizations)],
            ):
                report.organizations[org_id].name = name
        conn.rollback()
    report.seconds = time.perf_counter() - started
    return report


def render(report: Report, out: TextIO) -> None:
    mode = "dry run, nothing was changed" if report.dry_run else "repair"
    print(f"Integration configuration check ({mode}), run {report.run_id}", file=out)
    print(
        f"Checked {report.total_rows:,} integrations in {report.batches} batch(es) in {report.seconds:.2f}s.",
        file=out,
    )
    if not report.affected:
        print("Nothing to repair: every field_mappings and sync_schedule document is valid.", file=out)
        return
    verb = "would be reset" if report.dry_run else "were reset"
    print(
        f"{report.affected:,} integration(s) in {len(report.organizations):,} organization(s) {verb}.",
        file=out,
    )
    print("", file=out)
    header = (
        f"{'organization':<38} {'name':<24} {'integrations':>12} {'mappings':>9} {'schedule':>9} {'deactivated':>11}"
    )
    print(header, file=out)
    print("-" * len(header), file=out)
    ranked = sorted(report.organizations.values(), key=lambda o: (-o.integrations, str(o.organization_id)))
    for org in ranked[:TOP_ORGANIZATIONS]:
        name = printable(org.name or "", 24)[:24]
        print(
            f"{org.organization_id!s:<38} {name:<24} {org.integrations:>12,} {org.field_mappings:>9,} "
            f"{org.sync_schedule:>9,} {org.deactivated:>11,}",
            file=out,
        )
    if len(ranked) > TOP_ORGANIZATIONS:
        print(f"... and {len(ranked) - TOP_ORGANIZATIONS:,} more organization(s)", file=out)
    print("", file=out)
    print(f"Problems found ({len(report.problems):,} kinds, most frequent first):", file=out)
    for problem, count in report.problems.most_common(TOP_PROBLEMS):
        print(f"{count:>10,}  {printable(problem, 300)}", file=out)
    if len(report.problems) > TOP_PROBLEMS:
        print(f"{'':>10}  ... and {len(report.problems) - TOP_PROBLEMS:,} more kind(s)", file=out)
    print("", file=out)
    if report.dry_run:
        print("Dry run: nothing was changed. Run again without --dry-run to repair.", file=out)
    else:
        print(
            f"Old documents and problem lists: private.integration_config_repairs where repair_run_id = "
            f"'{report.run_id}'. Each organization above has one notification for its admins.",
            file=out,
        )


def configure(parser: argparse.ArgumentParser) -> None:
    """The command's arguments, for its own parser or as a subcommand of org-integrations."""
    common.add_connection_arguments(parser)
    parser.add_argument("--dry-run", action="store_true", help="report what would be repaired; change nothing")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"integrations per batch and transaction (default {DEFAULT_BATCH_SIZE:,})",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.set_defaults(run=run, check=check)


def check(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    common.require_db_url(parser, args)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")


class _Progress:
    """Adapts the per-batch callback to a tqdm bar over integrations checked; the bar starts at the first batch."""

    def __init__(self, stream: TextIO, batch_size: int) -> None:
        self.stream = stream
        self.batch_size = batch_size
        self.bar: tqdm[NoReturn] | None = None

    def __call__(self, report: Report, batch: int) -> None:
        if report.total_rows == 0:
            return
        done = report.total_rows if batch == report.batches else min(batch * self.batch_size, report.total_rows)
        description = f"batch {batch}/{report.batches}"
        found = f"{report.affected:,}"
        if self.bar is None:
            self.bar = common.progress_bar(
                report.total_rows,
                self.stream,
                unit="integration",
                bar_format="{desc}: checked about {n}/{total} integrations ({percentage:.0f}%){postfix} invalid, "
                "{elapsed} {bar:20}",
                initial=done,
                desc=description,
                postfix=found,
            )
            return
        self.bar.set_description_str(description, refresh=False)
        self.bar.set_postfix_str(found, refresh=False)
        self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    progress = _Progress(err, args.batch_size)
    try:
        report = repair(
            args.db_url,
            dry_run=args.dry_run,
            batch_size=args.batch_size,
            role=args.role,
            on_batch=None if args.quiet else progress,
        )
    except common.NotStarted as exc:
        print(f"error: {exc}", file=err)
        return common.NOT_STARTED
    except psycopg.Error as exc:
        progress.close()
        print(f"error: {common.describe_error(exc)}", file=err)
        return common.INCOMPLETE
    progress.close()
    render(report, out)
    return common.OK


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """This command alone: the same as ``org-integrations repair-configs ARGS``."""
    from org_integrations import cli  # the dispatcher imports this module

    return cli.main(["repair-configs", *(sys.argv[1:] if argv is None else argv)], out, err)
