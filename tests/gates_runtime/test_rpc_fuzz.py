"""Bad-input fuzzing of every RPC. The engine and its rules are in rpc_fuzz.py.

Every function in an exposed schema gets FUZZ_EXAMPLES_PER_ACTOR (default 84) generated cases as each of
six actors (anon; admin, coordinator of org A; admin of org B; a non-member; service_role): 504 or more per
function. The counts per function and actor are printed. FUZZ_SEED reproduces a run; the seed is printed.

The failing proofs add deliberately bad functions in one extra migration and show that the same engine
reports each of them: an internal error (XX000), an undocumented exception (P0001), a conversion error
raised inside the function body (22P02 with a function in its context), anon writing through a definer
function, and a function that hands a coordinator a credential's plaintext.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from gates_world import ACTORS, build_world
from rpc_fuzz import DEFAULT_DOCUMENTED, DOCUMENTED, INPUT_SQLSTATES, Report, Rpc, exposed_schemas, fuzz_all, new_seed

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_PER_ACTOR = int(os.environ.get("FUZZ_EXAMPLES_PER_ACTOR", "84"))
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

    summary = print_report(rpcs, report, seed)
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

grant execute on function
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
    rpcs, report = fuzz_all(url, world, 40, only=lambda rpc: rpc.name.startswith("gate_probe_"), seed=0, shrink=False)
    assert len(rpcs) == 5, "new functions are discovered from pg_catalog without being listed anywhere"
    problems: dict[str, set[str]] = {}
    for finding in report.findings:
        problems.setdefault(finding.function.split("(")[0], set()).add(finding.problem)

    def has(function: str, pattern: str) -> bool:
        return any(re.search(pattern, problem) for problem in problems.get(function, ()))

    assert has("gate_probe_internal_error", r"undocumented SQLSTATE XX000"), problems
    assert has("gate_probe_undocumented", r"undocumented SQLSTATE P0001"), problems
    assert has("gate_probe_cast_in_body", r"undocumented SQLSTATE 22P02: .*\(inside: PL/pgSQL function"), problems
    assert has("gate_probe_anyone_writes", r"^anon changed \['public.organization_notifications'\]"), problems
    assert has("gate_probe_leaks", r"returned a credential's plaintext"), problems
    leakers = {f.actor for f in report.findings if f.function.startswith("gate_probe_leaks")}
    assert "service_role" not in leakers, "service_role may read plaintext (retrieve_credential)"
