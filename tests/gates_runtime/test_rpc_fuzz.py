"""Bad-input fuzzing of every RPC. The engine and its rules are in rpc_fuzz.py.

Every function in an exposed schema gets FUZZ_EXAMPLES_PER_ACTOR (default 84) generated cases as each of
six actors (anon; admin, coordinator of org A; admin of org B; a non-member; service_role): 504 or more per
function. The counts per function and actor are printed. FUZZ_SEED reproduces a run; the seed is printed.

Every call's wall time and peak backend memory are recorded, and the worst case per function is printed.
test_every_rpc_and_check_stays_within_budget adds inputs that expand (rpc_budget.py) to every JSON and text
argument and to the two configuration CHECK constraints, one fresh connection per case, and fails over
budget (100 ms, 32 MB beyond the backend's baseline). BUDGET_EXAMPLES (default 8) sets the generated cases
per target, on top of the fixed ones.

The failing proofs add deliberately bad functions in one extra migration and show that the same engine
reports each of them: an internal error (XX000), an undocumented exception (P0001), a conversion error
raised inside the function body (22P02 with a function in its context), anon writing through a definer
function, a function that hands a coordinator a credential's plaintext, and functions over the time and
the memory budget.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from gates_world import ACTORS, INTEGRATIONS, ORG_A, build_world
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from rpc_budget import (
    Budget,
    Input,
    expanding_documents,
    expanding_texts,
    fixed_documents,
    fixed_texts,
    measure_fresh,
)
from rpc_fuzz import (
    DEFAULT_DOCUMENTED,
    DOCUMENTED,
    INPUT_SQLSTATES,
    Report,
    Rpc,
    discover,
    exposed_schemas,
    fuzz_all,
    new_seed,
    quote,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_PER_ACTOR = int(os.environ.get("FUZZ_EXAMPLES_PER_ACTOR", "84"))
BUDGET_EXAMPLES = int(os.environ.get("BUDGET_EXAMPLES", "8"))
MIN_CASES_PER_FUNCTION = 500
SQLSTATE = re.compile(r"\b(?:[0-5][0-9A-Z]|P0|XX)[0-9A-Z]{3}\b")


def print_report(rpcs: list[Rpc], report: Report, seed: int) -> str:
    actors = list(ACTORS)
    lines = [f"rpc fuzz (seed {seed}): cases per function and actor"]
    lines.append(f"{'function':<52}" + "".join(f"{a[:13]:>14}" for a in actors) + f"{'total':>8}")
    for rpc in rpcs:
        counts = [report.cases[(rpc.signature, a)] for a in actors]
        lines.append(f"{rpc.signature[:52]:<52}" + "".join(f"{c:>14}" for c in counts) + f"{sum(counts):>8}")
    lines.append(f"{len(rpcs)} functions, {sum(report.cases.values())} cases")
    outcomes: dict[str, int] = {}
    for (_, outcome), count in report.outcomes.items():
        outcomes[outcome] = outcomes.get(outcome, 0) + count
    lines.append("outcomes: " + ", ".join(f"{o} {n}" for o, n in sorted(outcomes.items())))
    kinds: dict[str, int] = {}
    for (_, kind), count in report.kinds.items():
        kinds[kind] = kinds.get(kind, 0) + count
    lines.append("inputs: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    return "\n".join(lines)


def describe(report: Report) -> str:
    return "\n\n".join(f"{f.function} as {f.actor}: {f.problem}\n{f.case}" for f in report.findings)


def test_every_rpc_survives_bad_input(
    migrated_db: Callable[..., str], capsys: pytest.CaptureFixture[str], record_property: Callable[..., None]
) -> None:
    url = migrated_db()
    world = build_world(url)
    seed = int(os.environ.get("FUZZ_SEED") or new_seed())
    rpcs, report = fuzz_all(url, world, EXAMPLES_PER_ACTOR, seed=seed)

    summary = print_report(rpcs, report, seed) + "\n" + report.budget.table("rpc fuzz, every call")
    with capsys.disabled():
        print("\n" + summary)
    record_property("fuzz_cases", sum(report.cases.values()))
    record_property("fuzz_functions", len(rpcs))

    assert not report.findings, f"seed {seed}\n" + describe(report)
    assert {rpc.name for rpc in rpcs} >= set(DOCUMENTED), "a documented RPC was not discovered"
    totals = report.per_function()
    for rpc in rpcs:
        assert totals[rpc.signature] >= MIN_CASES_PER_FUNCTION or EXAMPLES_PER_ACTOR < 84, rpc.signature
        # Every kind of bad input reached every function that takes arguments.
        if rpc.arguments:
            kinds = {kind for (signature, kind) in report.kinds if signature == rpc.signature}
            assert {"null", "1 MB", "unknown argument"} <= kinds, (rpc.signature, kinds)


def test_allowlist_matches_what_is_documented(migrated_db: Callable[..., str]) -> None:
    """Each function's allowed SQLSTATEs are those its COMMENT names, plus 42501; the input codes are in docs."""
    url = migrated_db()
    with psycopg.connect(url) as conn:
        comments = dict(
            conn.execute(
                "select p.proname, coalesce(pg_catalog.obj_description(p.oid, 'pg_proc'), '') "
                "from pg_catalog.pg_proc as p join pg_catalog.pg_namespace as n on n.oid = p.pronamespace "
                "where n.nspname = any(%s)",
                [exposed_schemas()],
            ).fetchall()
        )
    for name, comment in comments.items():
        documented = set(SQLSTATE.findall(comment)) | {"42501"}
        assert DOCUMENTED.get(name, DEFAULT_DOCUMENTED) == documented, (name, comment)
    docs = (ROOT / "docs" / "runtime-gates.md").read_text()
    for code in INPUT_SQLSTATES:
        assert f"`{code}`" in docs, f"{code} is not documented in docs/runtime-gates.md"
    assert "XX000" not in {code for codes in DOCUMENTED.values() for code in codes}


# Budgets -------------------------------------------------------------------------------------------

JSON_TYPES = ("jsonb", "json")
TEXT_TYPES = ("text", "character varying")
A1 = next(iter(INTEGRATIONS))  # org A's active integration, with a credential
CHECKS = {
    f"CHECK {column} (admin update)": f"update public.organization_integrations set {column} = %s::jsonb "
    f"where id = '{A1}'"
    for column in ("field_mappings", "sync_schedule")
}
# A write converts its value to jsonb before any constraint runs. That conversion is PostgreSQL's (up to about
# 0.5 s and 230 MB for 1 MiB of `[{}, {}, ...]`), the same for every jsonb column; it is measured and shown,
# and the CHECK path is held to the budget beyond it.
CONVERSION = "select pg_catalog.jsonb_typeof(%s::jsonb)"
CONVERSION_LABEL = "jsonb input conversion (not budgeted)"


def budget_call(rpc: Rpc, target: str) -> str:
    """A call of ``rpc`` with %s for the argument named ``target`` and real rows or plain values for the rest."""
    parts = []
    for argument in rpc.arguments:
        if argument.name == target:
            value = f"%s::{argument.type}"
        elif argument.type == "uuid":
            value = f"'{ORG_A if 'organization' in argument.name else A1}'::uuid"
        elif argument.type == "boolean":
            value = "false"
        elif argument.type in TEXT_TYPES:
            value = "'incident 42'"
        else:
            value = f"null::{argument.type}"
        parts.append(f"{quote(argument.name)} => {value}")
    return f"select * from {quote(rpc.schema)}.{quote(rpc.name)}({', '.join(parts)})"


def budget_targets(url: str) -> list[tuple[str, str, str, bool]]:
    """(function label, actor, query with one %s, takes JSON) per JSON or text argument, and the CHECKs.
    Public functions take json, not jsonb, for the reason above; a jsonb argument is budgeted all the same."""
    targets = []
    with psycopg.connect(url) as conn:
        for rpc in discover(conn, exposed_schemas()):
            may = conn.execute(
                "select pg_catalog.has_function_privilege('authenticated', %s::regprocedure, 'execute')",
                [rpc.signature],
            ).fetchone()
            # The deepest path: org A's admin when signed-in users may call it, else service_role.
            actor = "admin_a" if may and may[0] else "service_role"
            for argument in rpc.arguments:
                if argument.type in JSON_TYPES or argument.type in TEXT_TYPES:
                    label = rpc.signature if len(rpc.arguments) == 1 else f"{rpc.signature} {argument.name}"
                    targets.append((label, actor, budget_call(rpc, argument.name), argument.type in JSON_TYPES))
    targets += [(label, "admin_a", query, True) for label, query in CHECKS.items()]
    return targets


def test_every_rpc_and_check_stays_within_budget(
    migrated_db: Callable[..., str], capsys: pytest.CaptureFixture[str], record_property: Callable[..., None]
) -> None:
    """Inputs that expand, up to 1 MiB, to every JSON and text argument and both CHECKs: one fresh connection
    per case; at most 100 ms and 32 MB beyond the backend's baseline, answered with a result or a SQLSTATE
    that is never 54000, 53200 or XX000."""
    url = migrated_db()
    build_world(url)
    seed = int(os.environ.get("FUZZ_SEED") or new_seed())
    budget = Budget()
    targets = budget_targets(url)
    assert {"field_mappings_problems", "sync_schedule_problems"} <= {label.split("(")[0] for label, *_ in targets}

    conversion = Budget()

    def run(label: str, actor: str, query: str, given_input: Input) -> None:
        params: list[object] = [given_input.text]
        if label.startswith("CHECK"):
            conversion.add(measure_fresh(url, CONVERSION_LABEL, actor, given_input.shape, CONVERSION, params))
            budget.add(measure_fresh(url, label, actor, given_input.shape, query, params, before=CONVERSION))
        else:
            budget.add(measure_fresh(url, label, actor, given_input.shape, query, params))

    def generated_cases(label: str, actor: str, query: str, takes_json: bool) -> Callable[[], None]:
        @settings(
            max_examples=BUDGET_EXAMPLES,
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
        )
        @given(generated=expanding_documents() if takes_json else expanding_texts())
        def cases(generated: Input) -> None:
            run(label, actor, query, generated)

        return hypothesis_seed(seed)(cases)

    for label, actor, query, takes_json in targets:
        for fixed in fixed_documents() if takes_json else fixed_texts():
            run(label, actor, query, fixed)
        if "problems" in label:  # the review's attacker: signed in, member of nothing
            run(label, "outsider", query, fixed_documents()[0])
        generated_cases(label, actor, query, takes_json)()

    table = budget.table(f"budget (seed {seed}, one fresh connection per case)")
    table += "\n" + conversion.table("for comparison, PostgreSQL's own jsonb conversion of the CHECK inputs")
    outcomes = sorted({m.outcome for m in budget.measurements})
    with capsys.disabled():
        print(f"\n{table}\noutcomes: {', '.join(outcomes)}")
    record_property("budget_cases", len(budget.measurements))
    forbidden = [m for m in budget.measurements if m.outcome in ("54000", "53200", "XX000", "57014")]
    assert not forbidden, forbidden
    assert not budget.over, "over budget:\n" + "\n".join(
        f"{m.function} as {m.actor}: {'; '.join(m.over)} ({m.shape})" for m in budget.over
    )
    allowed = {"ok", "42501", "22023", "23514", "P0002", "54001"}
    assert set(outcomes) <= allowed, outcomes


# Failing proofs ------------------------------------------------------------------------------------

BAD_FUNCTIONS = """
-- Deliberately bad RPCs: each breaks one rule of the fuzz gate.
create function public.gate_probe_internal_error(p_note text)
returns text
language plpgsql
as $$
begin
    if p_note like '%''%' then
        raise exception 'internal error' using errcode = 'XX000';
    end if;
    return 'ok';
end;
$$;

create function public.gate_probe_undocumented(p_note text)
returns text
language plpgsql
as $$
begin
    if p_note is null or p_note = '' then
        raise exception 'unexpected empty note';
    end if;
    return p_note;
end;
$$;

create function public.gate_probe_cast_in_body(p_note text)
returns integer
language plpgsql
as $$
begin
    return pg_catalog.length(p_note) + p_note::integer;
end;
$$;

create function public.gate_probe_anyone_writes(p_organization_id uuid)
returns void
language sql
security definer
set search_path = ''
as $$
    insert into public.organization_notifications (organization_id, kind)
    select o.id, 'integration_config_repaired' from public.organizations as o where o.id = p_organization_id;
$$;

create function public.gate_probe_leaks(p_integration_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
    select d.decrypted_secret from vault.decrypted_secrets as d
    where d.name = 'integration_credential:' || p_integration_id::text;
$$;

-- Over the time budget, and over the memory budget, for long input only.
create function public.gate_probe_slow(p_note text)
returns void
language sql
as $$
    select pg_catalog.pg_sleep(case when pg_catalog.length(p_note) > 100000 then 0.15 else 0 end);
$$;

create function public.gate_probe_hog(p_note text)
returns integer
language sql
as $$
    select pg_catalog.length(
        pg_catalog.repeat(p_note, case when pg_catalog.length(p_note) > 100000 then 64 else 1 end)
    );
$$;

grant execute on function
    public.gate_probe_slow(text),
    public.gate_probe_hog(text),
    public.gate_probe_internal_error(text),
    public.gate_probe_undocumented(text),
    public.gate_probe_cast_in_body(text),
    public.gate_probe_anyone_writes(uuid),
    public.gate_probe_leaks(uuid)
to anon, authenticated, service_role;
"""


def test_fuzz_gate_catches_bad_functions(migrated_db: Callable[..., str], tmp_path: Path) -> None:
    url = migrated_db({"29990101000000_bad_rpcs.sql": BAD_FUNCTIONS}, project=tmp_path)
    world = build_world(url)
    budget_probes = ("gate_probe_slow", "gate_probe_hog")
    rpcs, report = fuzz_all(
        url,
        world,
        40,
        only=lambda rpc: rpc.name.startswith("gate_probe_") and rpc.name not in budget_probes,
        seed=0,
        shrink=False,
    )
    assert len(rpcs) == 5, "new functions are discovered from pg_catalog without being listed anywhere"
    # The budget probes cost time by design: one actor and the fixed cases (a 1 MB argument among them) suffice.
    slow_rpcs, slow_report = fuzz_all(
        url, world, 1, actors=["service_role"], only=lambda rpc: rpc.name in budget_probes, seed=0, shrink=False
    )
    assert len(slow_rpcs) == 2
    problems: dict[str, set[str]] = {}
    for finding in [*report.findings, *slow_report.findings]:
        problems.setdefault(finding.function.split("(")[0], set()).add(finding.problem)

    def has(function: str, pattern: str) -> bool:
        return any(re.search(pattern, problem) for problem in problems.get(function, ()))

    assert has("gate_probe_internal_error", r"undocumented SQLSTATE XX000"), problems
    assert has("gate_probe_undocumented", r"undocumented SQLSTATE P0001"), problems
    assert has("gate_probe_cast_in_body", r"undocumented SQLSTATE 22P02: .*\(inside: PL/pgSQL function"), problems
    assert has("gate_probe_anyone_writes", r"^anon changed \['public.organization_notifications'\]"), problems
    assert has("gate_probe_leaks", r"returned a credential's plaintext"), problems
    assert has("gate_probe_slow", r"^over budget: \d+ ms > 100 ms"), problems
    assert has("gate_probe_hog", r"^over budget: .*[\d.]+ MB > 32 MB"), problems
    leakers = {f.actor for f in report.findings if f.function.startswith("gate_probe_leaks")}
    assert "service_role" not in leakers, "service_role may read plaintext (retrieve_credential)"
