"""Bad-input fuzzing of every RPC: the engine.

The functions are read from pg_catalog: every function in the schemas the Data
API exposes (``[api] schemas`` in supabase/config.toml) that is not a trigger
or part of an extension. A new function is fuzzed without touching this file.

Each argument gets values by its type (uuid, text, jsonb, boolean, integers,
enums, arrays; anything else gets junk text): NULL, empty and whitespace, 1 MB
strings, nil, maximal, random and malformed uuids, the world's real ids, SQL-
looking text, odd Unicode, NUL, JSON of the wrong type, malformed JSON. Calls
are made the way PostgREST makes them: named arguments, each a parameter cast
to the argument's type, sometimes omitting a defaulted argument or adding an
unknown one.

One connection, one transaction; every case runs in a savepoint as one actor
and is rolled back, so all cases see the same world. A case passes when:

* the call succeeds, or fails with a SQLSTATE documented for that function, or
  with an input-conversion SQLSTATE raised before the function body ran (no
  function in the error context); never XX000, never anything else;
* after a failure, every table is exactly as before (checksums of all tables
  in public, private, vault and auth);
* after a success, tables changed only if the function is volatile and the
  actor is one that may write through it;
* a successful result shown to anyone but service_role holds no credential;
* a NUL byte in text never reaches the server: psycopg refuses it client-side
  and the transaction is not in an error state. The same NUL sent as bytea and
  converted in SQL must fail with 22021 before the function runs;
* the call stays within the time and memory budget (rpc_budget.py): every call's
  wall time and peak backend memory are recorded, and one over budget is
  measured again on fresh connections before it counts.
"""

from __future__ import annotations

import functools
import json
import time
import tomllib
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import psycopg
import psycopg.sql
from gates_world import ACTORS, INTEGRATIONS, World, checksum_sql, tables
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure
from psycopg import pq
from rpc_budget import Budget, HighWaterMark, Measurement, describe, measure_fresh

from support import config_documents

ROOT = Path(__file__).resolve().parents[2]
MB = 1 << 20

# Documented SQLSTATEs, per function. Sources: each function's COMMENT ("Errors: ..."), docs/credentials.md,
# docs/schema.md and the migrations' `errcode`s. 42501 is also what any role without EXECUTE gets.
DOCUMENTED: dict[str, set[str]] = {
    "store_credential": {"42501", "P0002", "22023"},
    "rotate_credential": {"42501", "P0002", "22023"},
    "retrieve_credential": {"42501", "P0002"},
    "retrieve_credential_by_integration": {"42501", "P0002"},
    "credential_status": {"42501", "P0002"},
    "revoke_credential": {"42501", "P0002"},
    "get_integration_vault_secret_id": {"42501"},
    "list_dangling_credential_references": {"42501"},
    "field_mappings_problems": {"42501", "22P05"},
    "sync_schedule_problems": {"42501", "22P05"},
    "repair_integration_configs": {"42501"},
    "emergency_revoke_credentials": {"42501", "P0002", "22023"},
    "set_organization_lockdown": {"42501", "P0002", "22023"},
    "lift_organization_lockdown": {"42501", "P0002", "22023"},
    "credential_rotations_pending": {"42501", "22023"},
}
# A function nobody listed yet: denial only, until its documentation says more.
DEFAULT_DOCUMENTED = {"42501"}
# Raised while PostgreSQL converts the call's arguments, before the function body runs (PostgREST answers
# 400 or 404). Accepted only when the error context names no function. docs/runtime-gates.md lists them.
INPUT_SQLSTATES = {
    "22P02": "invalid_text_representation: not a uuid, boolean, integer, enum, array or JSON",
    "54001": "statement_too_complex: JSON nested deeper than the parser's stack allows (about 14,500 levels)",
    "22P05": "untranslatable_character: \\u0000 in JSON that becomes jsonb",
    "22021": "character_not_in_repertoire: a NUL byte converted from bytea to text",
    "22003": "numeric_value_out_of_range: an integer argument out of range",
    "42883": "undefined_function: an argument name the function does not have (PostgREST PGRST202)",
}
# Who may change tables through a volatile function when the call succeeds. Unlisted functions: admins and
# service_role. anon, coordinators and non-members never write through any RPC.
WRITERS: dict[str, set[str]] = {
    "store_credential": {"admin_a", "admin_b", "service_role"},
    "rotate_credential": {"admin_a", "admin_b", "service_role"},
    "revoke_credential": {"admin_a", "admin_b", "service_role"},
    "retrieve_credential": {"service_role"},  # the audit row
    "retrieve_credential_by_integration": {"service_role"},  # the audit row
    "repair_integration_configs": {"service_role"},
    "emergency_revoke_credentials": {"service_role"},
    "set_organization_lockdown": {"service_role"},
    "lift_organization_lockdown": {"service_role"},
}
DEFAULT_WRITERS = {"admin_a", "admin_b", "service_role"}


def exposed_schemas(project: Path = ROOT) -> list[str]:
    config = tomllib.loads((project / "supabase" / "config.toml").read_text())
    return list(config.get("api", {}).get("schemas", ["public"]))


# Catalog ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Argument:
    name: str
    type: str  # format_type, e.g. 'uuid', 'text', 'integration_status', 'uuid[]'
    category: str  # pg_type.typcategory of the type (of the element for arrays)
    labels: tuple[str, ...]  # enum labels, of the element for arrays
    is_array: bool
    has_default: bool


@dataclass(frozen=True)
class Rpc:
    schema: str
    name: str
    signature: str
    volatility: str  # i, s or v
    arguments: tuple[Argument, ...]


DISCOVER = """
select
    p.oid,
    n.nspname,
    p.proname,
    p.oid::regprocedure::text,
    p.provolatile,
    p.pronargs,
    p.pronargdefaults,
    coalesce(p.proargnames, '{}'),
    coalesce(p.proargmodes::text[], '{}'),
    p.proargtypes::oid[]
from pg_catalog.pg_proc as p
join pg_catalog.pg_namespace as n on n.oid = p.pronamespace
where
    n.nspname = any(%s)
    and p.prokind = 'f'
    and p.prorettype not in ('trigger'::regtype, 'event_trigger'::regtype)
    and not exists (
        select 1 from pg_catalog.pg_depend as d
        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e'
    )
order by n.nspname, p.proname, p.oid::regprocedure::text
"""

TYPE_INFO = """
select
    pg_catalog.format_type(t.oid, null),
    t.typcategory = 'A',
    coalesce(e.typcategory, t.typcategory),
    coalesce(
        (select array_agg(l.enumlabel::text order by l.enumsortorder) from pg_catalog.pg_enum as l
         where l.enumtypid = coalesce(e.oid, t.oid)),
        '{}'
    )
from pg_catalog.pg_type as t
left join pg_catalog.pg_type as e on e.oid = t.typelem and t.typcategory = 'A'
where t.oid = %s
"""


def discover(conn: psycopg.Connection, schemas: list[str]) -> list[Rpc]:
    rpcs = []
    for _, schema, name, signature, volatility, nargs, ndefaults, names, modes, types in conn.execute(
        DISCOVER, [schemas]
    ).fetchall():
        in_names = [n for n, m in zip(names, modes, strict=True) if m in ("i", "b", "v")] if modes else names
        in_names = (list(in_names) + [""] * nargs)[:nargs]
        arguments = []
        for position, (arg_name, type_oid) in enumerate(zip(in_names, types, strict=True)):
            type_name, is_array, category, labels = conn.execute(TYPE_INFO, [type_oid]).fetchone()  # type: ignore[misc]
            arguments.append(
                Argument(
                    name=arg_name or f"${position + 1}",
                    type=type_name,
                    category=category,
                    labels=tuple(labels),
                    is_array=is_array,
                    has_default=position >= nargs - ndefaults,
                )
            )
        rpcs.append(Rpc(schema, name, signature, volatility, tuple(arguments)))
    return rpcs


# Values ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One argument as sent: SQL text with at most one %s, and its parameter."""

    sql: str
    param: Any = None
    has_param: bool = True
    note: str = ""

    def __repr__(self) -> str:
        shown = self.param
        if isinstance(shown, str | bytes) and len(shown) > 60:
            shown = f"{shown[:30]!r}...({len(shown)} chars)"
        return f"Value({self.sql!r}, {shown!r}{', ' + self.note if self.note else ''})"


NUL_TEXT = "nul\x00byte"

JUNK_TEXT = [
    "",
    " ",
    "\t\n\r ",
    "null",
    "NULL",
    "undefined",
    "None",
    "true",
    "0",
    "-1",
    "1e309",
    "NaN",
    "[]",
    "{}",
    '{"a": 1}',
    '"quoted"',
    "'",
    "''",
    '"',
    "\\",
    "\\\\'",
    "%s",
    "%(x)s",
    "$1",
    "'; drop table public.organizations; --",
    "' or '1'='1",
    "1; select pg_catalog.pg_sleep(10)",
    "$$; select 1; $$",
    "$tag$ $tag$",
    "*/ select 1 /*",
    "\\x00",
    "\\u0000",
    "%00",
    "\u202eevil\u202c",
    "\ufeffbom",
    "zero\u200bwidth",
    "\U0001d54f" * 10,
    "e\u0301\u0301\u0301",
    "\uffff\ufffe",
    "\U0010ffff",
    "Ω≈ç√∫",
    "\uff46\uff55\uff4c\uff4c\uff57\uff49\uff44\uff54\uff48",  # fullwidth letters
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "\x7f\x1b[31m",
    "\x01\x02\x03",
    "😀" * 100,
    "a" * 65536,
    "é" * 32768,
    "a" * 65537,
]

# Everything PostgreSQL text can hold: no NUL (sent on purpose elsewhere) and no lone surrogates, which
# cannot be encoded as UTF-8 at all.
_SENDABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")

megabyte_text = st.sampled_from(["a", "é", "😀", "' or 1=1 -- ", "\\", "{"]).map(
    lambda unit: unit * (MB // len(unit.encode()))
)
# One draw in forty is a 1 MB string (each costs milliseconds: the server echoes it in the error);
# the fixed cases add one per argument and actor.
junk_text = st.one_of(
    *[st.sampled_from(JUNK_TEXT)] * 20,
    *[st.text(_SENDABLE, max_size=40)] * 19,
    megabyte_text,
)


def nul_values(type_name: str) -> st.SearchStrategy[Value]:
    """A NUL byte as text (psycopg must refuse to send it) and as bytea converted in SQL (22021 on the server)."""
    return st.sampled_from(
        [
            Value(f"%s::{type_name}", NUL_TEXT, note="NUL in text: psycopg must refuse it"),
            Value(f"pg_catalog.convert_from(%s::bytea, 'UTF8')::{type_name}", NUL_TEXT.encode(), note="NUL via bytea"),
        ]
    )


def cast(type_name: str) -> Callable[[str], Value]:
    return lambda s: Value(f"%s::{type_name}", s)


@functools.cache
def json_documents() -> tuple[st.SearchStrategy[str], st.SearchStrategy[str]]:
    """(JSON texts: near-valid integration configuration documents and arbitrary JSON; odd and broken JSON)."""
    dump = config_documents.as_json
    documents = st.one_of(
        config_documents.field_mappings_documents, config_documents.sync_schedule_documents, config_documents.any_json
    )
    odd = st.sampled_from(
        [
            '"\\u0000"',
            '{"version": 1, "mappings": [{"source": "\\u0000", "target": "a", "required": true}]}',
            "[" * 60 + "]" * 60,
            '{"a":' * 60 + "1" + "}" * 60,
            "[" + ",".join(["1"] * 10000) + "]",
            json.dumps({"version": 1, "mappings": [{"source": "x" * MB, "target": "a", "required": True}]}),
            json.dumps({"version": 1, "mode": "cron", "cron": "* * * * *", "timezone": "x" * MB, "enabled": True}),
            "1e999999",
            "-0",
            '{"version": 1e400}',
            '{"version": 1, "version": 2}',
            "{'single': 'quotes'}",
            '{"a": 1,}',
            "nul",
        ]
    )
    return documents.map(dump), st.one_of(odd, junk_text)


def argument_values(argument: Argument, world: World) -> tuple[st.SearchStrategy[Value], st.SearchStrategy[Value]]:
    """(plausible, anything) values for one argument, by its type.

    Plausible values have the right type (real and random ids, any sendable text, JSON documents, booleans,
    enum labels), so a case can get past input conversion into the function body. Anything adds NULL,
    malformed and oversized values, NUL bytes and junk.
    """
    base_type = argument.type.removesuffix("[]")
    good: st.SearchStrategy[str]
    bad: st.SearchStrategy[str] = junk_text
    if base_type == "uuid":
        # Each kind of real id as often as a random one, so every function meets rows it can act on.
        good = st.one_of(*(st.sampled_from(ids) for ids in world.id_groups().values()), st.uuids().map(str))
        bad = st.one_of(
            st.sampled_from(
                [
                    "00000000-0000-0000-0000-000000000000",
                    "ffffffff-ffff-ffff-ffff-ffffffffffff",
                    "{00000606-0000-4000-8000-00000000000A}",
                    "000006060000400080000000000000a1",
                    "00000606-0000-4000-8000-00000000000g",
                    "00000606-0000-4000-8000-00000000000",
                    "00000606-0000-4000-8000-00000000000aa",
                ]
            ),
            junk_text,
        )
    elif base_type in ("text", "character varying", "character", "name", "citext"):
        good = st.one_of(st.text(_SENDABLE, min_size=1, max_size=80), st.sampled_from(JUNK_TEXT))
    elif base_type in ("jsonb", "json"):
        good, bad = json_documents()
    elif base_type == "boolean":
        good = st.sampled_from(["true", "false", "t", "f", "yes", "no", "on", "off", "1", "0"])
    elif base_type in ("integer", "bigint", "smallint", "numeric", "real", "double precision"):
        good = st.integers(-(2**31), 2**31 - 1).map(str)
        bad = st.one_of(
            st.sampled_from([str(2**31), str(-(2**31) - 1), str(2**63), "1.5", "1e10", "Infinity", "-0"]), junk_text
        )
    elif argument.labels:
        good = st.sampled_from(list(argument.labels))
        bad = st.one_of(st.sampled_from([label.upper() for label in argument.labels] + [" active"]), junk_text)
    else:
        good = junk_text
    if argument.is_array:
        good = st.lists(good.filter(lambda s: len(s) < 1000), max_size=5).map(array_literal)
        bad = st.one_of(st.sampled_from(["{", "}", "{{}", "{NULL}", "[1,2]", "{,}", '{"\\"}']), junk_text)
    plausible = good.map(cast(argument.type))
    null = st.just(Value(f"null::{argument.type}", has_param=False))
    anything = [plausible, plausible, null, bad.map(cast(argument.type))]
    if base_type in ("text", "character varying", "json", "jsonb"):
        anything.append(nul_values(argument.type))
    return plausible, st.one_of(*anything)


def array_literal(items: list[str]) -> str:
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return "{" + ",".join(quoted) + "}"


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class Case:
    arguments: tuple[tuple[str, Value], ...]
    unknown: tuple[str, Value] | None

    def sql(self, rpc: Rpc) -> tuple[str, list[Any]]:
        parts, params = [], []
        for name, value in (*self.arguments, *([self.unknown] if self.unknown else [])):
            target = f"{quote(name)} => " if not name.startswith("$") else ""
            parts.append(target + value.sql)
            if value.has_param:
                params.append(value.param)
        call = f"select * from {quote(rpc.schema)}.{quote(rpc.name)}({', '.join(parts)})"
        return call, params

    def kinds(self) -> set[str]:
        """What kinds of bad input the case holds, for the coverage report."""
        found = set()
        for _, value in self.all_values():
            param = value.param
            if not value.has_param:
                found.add("null")
            elif isinstance(param, bytes | str) and ("\x00" if isinstance(param, str) else b"\x00") in param:
                found.add("nul")
            elif isinstance(param, str) and len(param) >= MB // 4 and len(param.encode()) >= MB - 16:
                found.add("1 MB")
            elif param == "":
                found.add("empty")
        if self.unknown:
            found.add("unknown argument")
        return found

    @property
    def nul_in_text(self) -> bool:
        return any(isinstance(v.param, str) and "\x00" in v.param for _, v in self.all_values())

    def all_values(self) -> tuple[tuple[str, Value], ...]:
        return (*self.arguments, *([self.unknown] if self.unknown else []))


UNKNOWN_NAMES = ["p_unknown", "id", "p_secret_id", "p_integration_id", "p_" + "x" * 70, "select", "Robert'); --"]


def cases(rpc: Rpc, world: World) -> st.SearchStrategy[Case]:
    """Calls of ``rpc``. Half the time one argument gets anything and the others plausible values, so bad
    input reaches the function body; otherwise every argument gets anything. Defaulted arguments are
    sometimes left out and, one time in twenty, an unknown argument is added."""
    values = [argument_values(argument, world) for argument in rpc.arguments]
    names = {argument.name for argument in rpc.arguments}
    unknown_names = st.sampled_from([name for name in UNKNOWN_NAMES if name not in names])
    unknown_values = junk_text.map(cast("text"))

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        focus = draw(st.integers(-len(values), len(values) - 1)) if values else -1
        arguments = []
        for index, (argument, (plausible, anything)) in enumerate(zip(rpc.arguments, values, strict=True)):
            if argument.has_default and not argument.name.startswith("$") and draw(st.integers(0, 3)) == 2:
                continue  # PostgREST leaves out what the client did not send
            strategy = plausible if 0 <= focus != index else anything
            arguments.append((argument.name, draw(strategy)))
        unknown = None
        if draw(st.integers(0, 19)) == 13:  # not 0: Hypothesis favours it
            unknown = (draw(unknown_names), draw(unknown_values))
        return Case(tuple(arguments), unknown)

    return build()


PLAUSIBLE = {
    "uuid": next(iter(INTEGRATIONS)),
    "jsonb": "{}",
    "json": "{}",
    "boolean": "false",
    "integer": "1",
    "bigint": "1",
    "smallint": "1",
    "numeric": "1",
}


def explicit_cases(rpc: Rpc) -> list[Case]:
    """Cases every actor runs before the generated ones, so each kind of bad input reaches every function:
    all NULL, all empty, and per argument a 1 MB string and a NUL byte (the others plausible); one unknown
    argument."""

    def null(argument: Argument) -> Value:
        return Value(f"null::{argument.type}", has_param=False)

    def plausible(argument: Argument) -> Value:
        # A real integration (org A's, with a credential) for ids, so the bad value is what gets rejected.
        text = PLAUSIBLE.get(argument.type.removesuffix("[]"), argument.labels[0] if argument.labels else "x")
        return Value(f"%s::{argument.type}", "{" + text + "}" if argument.is_array else text)

    def each(make: Callable[[Argument], Value]) -> list[Case]:
        found = []
        for index, argument in enumerate(rpc.arguments):
            others = [(a.name, plausible(a)) for a in rpc.arguments]
            others[index] = (argument.name, make(argument))
            found.append(Case(tuple(others), None))
        return found

    examples = [
        Case(tuple((a.name, null(a)) for a in rpc.arguments), None),
        Case(tuple((a.name, Value(f"%s::{a.type}", "")) for a in rpc.arguments), None),
        Case(tuple((a.name, null(a)) for a in rpc.arguments), ("p_unknown", Value("%s::text", "a" * MB))),
        *each(lambda a: Value(f"%s::{a.type}", "a" * MB)),
        *each(lambda a: Value(f"%s::{a.type}", NUL_TEXT)),
        *each(lambda a: Value(f"pg_catalog.convert_from(%s::bytea, 'UTF8')::{a.type}", NUL_TEXT.encode())),
    ]
    return list(dict.fromkeys(examples))


# Running ---------------------------------------------------------------------------------------------


@dataclass
class Finding:
    function: str
    actor: str
    problem: str
    case: str


@dataclass
class Report:
    cases: Counter[tuple[str, str]] = field(default_factory=Counter)  # (signature, actor) -> cases run
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)  # (signature, outcome) -> count
    kinds: Counter[tuple[str, str]] = field(default_factory=Counter)  # (signature, kind of input) -> count
    findings: list[Finding] = field(default_factory=list)
    budget: Budget = field(default_factory=Budget)  # time and memory of every call

    def per_function(self) -> Counter[str]:
        totals: Counter[str] = Counter()
        for (signature, _), count in self.cases.items():
            totals[signature] += count
        return totals


class Problem(Exception):
    pass


LEAVE_SAVEPOINT = "rollback to savepoint fuzz_case; release savepoint fuzz_case"
AS_POSTGRES = "select pg_catalog.set_config('role', 'none', true)"


class Fuzzer:
    """Runs cases on one connection, inside one transaction that is rolled back at the end."""

    def __init__(self, conn: psycopg.Connection, world: World, url: str | None = None) -> None:
        self.conn = conn
        self.world = world
        self.url = url  # for measuring a call over budget again on fresh connections
        self.budget = Budget()
        self.high_water = HighWaterMark(conn)
        self.cost: tuple[float, int] = (0.0, 0)
        # Verdicts of fresh measurements, by case, so Hypothesis sees the same answer when it runs a case again.
        self.verdicts: dict[tuple[str, str, str], Measurement] = {}
        conn.execute("select pg_catalog.set_config('statement_timeout', '10s', true)")
        self.checksum_query = checksum_sql(tables(conn))
        self.baseline: dict[str, str] = dict(conn.execute(self.checksum_query).fetchall())  # type: ignore[arg-type]
        quote_literal = psycopg.sql.quote
        self.act_as_sql = {
            actor: f"select pg_catalog.set_config('request.jwt.claims', {quote_literal(json.dumps(who.claims()))}, "
            f"true), pg_catalog.set_config('role', {quote_literal(who.role)}, true)"
            for actor, who in ACTORS.items()
        }

    def changed(self, statements: str) -> list[str]:
        """Run ``statements`` (one of them the checksum query); return the tables whose checksum differs."""
        cursor = self.conn.execute(statements)  # type: ignore[arg-type]
        after: dict[str, str] = {}
        while True:
            if cursor.description is not None and len(cursor.description) == 2:
                after = dict(cursor.fetchall())
            if not cursor.nextset():
                break
        return sorted(name for name, value in self.baseline.items() if after.get(name) != value)

    def run_case(self, rpc: Rpc, actor: str, case: Case) -> str:
        """Run one case in a savepoint as ``actor``; return its outcome label or raise Problem."""
        conn = self.conn
        query, params = case.sql(rpc)
        # Three round trips: enter the savepoint as the actor; the call; check and leave the savepoint.
        conn.execute(f"savepoint fuzz_case; {self.act_as_sql[actor]}")  # type: ignore[arg-type]
        inside = True
        try:
            try:
                rows = self.timed_call(query, params)
            except psycopg.Error as exc:
                if exc.sqlstate is None and case.nul_in_text and isinstance(exc, psycopg.DataError):
                    # Refused by psycopg while encoding the parameters: nothing was sent.
                    status = conn.info.transaction_status
                    if status != pq.TransactionStatus.INTRANS:
                        raise Problem(f"NUL refusal left the transaction {status.name}") from exc
                    return "nul refused client-side"
                if exc.sqlstate is None:
                    raise Problem(f"client-side error {type(exc).__name__}: {exc}") from exc
                changed = self.changed(f"{LEAVE_SAVEPOINT}; {self.checksum_query}")
                inside = False
                self.check_error(rpc, case, exc)
                # Refused while converting the arguments: PostgreSQL's time (a 1 MB value is echoed in the
                # error), before any project code. Its memory still counts.
                context = exc.diag.context or ""
                converting = exc.sqlstate in INPUT_SQLSTATES and "function" not in context
                self.check_cost(rpc, actor, case, exc.sqlstate, timed=not converting)
                if changed:
                    raise Problem(f"failed with {exc.sqlstate} but tables changed: {changed}") from exc
                return exc.sqlstate
            if case.nul_in_text:
                raise Problem("a NUL byte in text reached the server")
            changed = self.changed(f"{AS_POSTGRES}; {self.checksum_query}; {LEAVE_SAVEPOINT}")
            inside = False
            self.check_cost(rpc, actor, case, "ok")
            if changed and rpc.volatility != "v":
                raise Problem(f"{'stable' if rpc.volatility == 's' else 'immutable'} function changed {changed}")
            if changed and actor not in WRITERS.get(rpc.name, DEFAULT_WRITERS):
                raise Problem(f"{actor} changed {changed} through {rpc.name}")
            if actor != "service_role":
                shown = repr(rows)
                secrets = [*self.world.plaintexts.values(), self.world.unrelated_secret]
                if any(secret and secret in shown for secret in secrets):
                    raise Problem("returned a credential's plaintext")
            return "ok (wrote)" if changed else "ok"
        except psycopg.OperationalError as exc:
            raise Problem(f"connection error (server crash?): {exc}") from exc
        finally:
            if inside and not conn.broken:
                conn.execute(LEAVE_SAVEPOINT)  # type: ignore[arg-type]

    def timed_call(self, query: str, params: list[Any]) -> list[Any]:
        """The call, with its wall time and peak memory beyond the backend's resident set left in self.cost."""
        baseline = self.high_water.start()
        start = time.perf_counter()
        try:
            return self.conn.execute(query, params).fetchall()  # type: ignore[arg-type]
        finally:
            self.cost = (time.perf_counter() - start, self.high_water.since(baseline))

    def check_cost(self, rpc: Rpc, actor: str, case: Case, outcome: str, timed: bool = True) -> None:
        """Record the last call's cost; over budget, measure it again on fresh connections, which decide."""
        shape = ", ".join(f"{name}={describe(v.param) if v.has_param else 'null'}" for name, v in case.all_values())
        seconds, memory = self.cost
        measurement = Measurement(rpc.signature, actor, shape, seconds if timed else 0.0, memory, outcome)
        if measurement.over and self.url is not None:
            query, params = case.sql(rpc)
            key = (rpc.signature, actor, repr((query, params)))
            if key not in self.verdicts:
                fresh = measure_fresh(self.url, rpc.signature, actor, shape, query, params)
                self.verdicts[key] = fresh if timed else replace(fresh, seconds=0.0)
            measurement = self.verdicts[key]
        self.budget.add(measurement)
        if measurement.over:
            raise Problem(f"over budget: {'; '.join(measurement.over)} ({shape})")

    def check_error(self, rpc: Rpc, case: Case, exc: psycopg.Error) -> None:
        code = exc.sqlstate or "?????"
        context = exc.diag.context or ""
        in_body = "function" in context
        if code in DOCUMENTED.get(rpc.name, DEFAULT_DOCUMENTED):
            return
        if code in INPUT_SQLSTATES and not in_body:
            if code == "42883" and case.unknown is None:
                raise Problem(f"42883 without an unknown argument: {exc.diag.message_primary}")
            if code == "22021" and not any("bytea" in v.sql for _, v in case.all_values()):
                raise Problem(f"22021 without a NUL byte: {exc.diag.message_primary}")
            return
        where = f" (inside: {context.strip().splitlines()[0]})" if context else ""
        raise Problem(f"undocumented SQLSTATE {code}: {exc.diag.message_primary}{where}")

    def fuzz(
        self, rpc: Rpc, actor: str, examples: int, report: Report, seed: int | None = None, shrink: bool = True
    ) -> None:
        """Run ``examples`` generated cases of ``rpc`` as ``actor``; record the first problem, shrunk."""
        key = (rpc.signature, actor)

        @settings(
            max_examples=examples,
            database=None,
            deadline=None,
            phases=(Phase.explicit, Phase.generate, Phase.shrink) if shrink else (Phase.explicit, Phase.generate),
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )
        @given(case=cases(rpc, self.world))
        def run(case: Case) -> None:
            report.cases[key] += 1
            for kind in case.kinds():
                report.kinds[(rpc.signature, kind)] += 1
            outcome = self.run_case(rpc, actor, case)
            report.outcomes[(rpc.signature, outcome)] += 1

        for case in reversed(explicit_cases(rpc)):
            run = example(case=case)(run)
        if seed is not None:
            run = hypothesis_seed(seed)(run)
        try:
            run()
        except (Problem, FlakyFailure) as problem:
            report.findings.append(Finding(rpc.signature, actor, str(problem), _falsifying(problem)))
            if self.conn.broken:
                raise


def _falsifying(problem: Exception) -> str:
    notes = getattr(problem, "__notes__", [])
    return "\n".join(note for note in notes if "Falsifying" in note or "case=" in note)[:2000]


def fuzz_all(
    url: str,
    world: World,
    examples: int,
    actors: list[str] | None = None,
    only: Callable[[Rpc], bool] | None = None,
    seed: int | None = None,
    shrink: bool = True,
) -> tuple[list[Rpc], Report]:
    """Fuzz every exposed function as every actor: ``examples`` cases per function and actor."""
    report = Report()
    with psycopg.connect(url) as conn:
        rpcs = [rpc for rpc in discover(conn, exposed_schemas()) if only is None or only(rpc)]
        fuzzer = Fuzzer(conn, world, url)
        report.budget = fuzzer.budget
        for rpc in rpcs:
            for actor in actors or list(ACTORS):
                fuzzer.fuzz(rpc, actor, examples, report, seed, shrink)
        conn.rollback()
    return rpcs, report


def new_seed() -> int:
    return uuid.uuid4().int % (2**32)
