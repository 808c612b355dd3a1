"""docs/client-contract.md's snippets run against a migrated database, so they cannot drift from the SQL.

Blocks fenced as ```python doc-test, ```http doc-test and ```sql doc-test are
executed in document order; ``doc-test expect=<SQLSTATE>`` says the block must
fail with that SQLSTATE. Placeholders such as ``<integration id>`` stand for
the world of repo_world.py (org A's admin, and A_IDLE, which has no
credential yet).

- Python blocks share one namespace, like a notebook.
- HTTP blocks run the way PostgREST runs a request: one transaction, the JWT
  claims and role set with ``set_config(..., true)`` (``Identity.apply``), then
  the statement PostgREST would build: an RPC by named arguments (the
  function is found by its argument names, as PostgREST does, so a renamed
  parameter fails), a GET with ``select=``, ``eq.`` filters and ``order=``, or
  a PATCH honouring ``Prefer: return=...`` (without ``select=`` a returned
  representation is ``*``). A request without an ``apikey`` header fails, as
  the gateway would reject it.
- SQL blocks run statement by statement, as written.
- Dart blocks are not compiled, but every ``rpc('name', params: {...})`` in
  them must name a public function with those parameter names.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import psycopg
import pytest
from psycopg import sql
from repo_world import A_IDLE, ORG_A, ROOT, USERS, World, identity_of

from harness.sqlsplit import split_statements
from org_integrations.identity import Identity

DOC = ROOT / "docs" / "client-contract.md"
FENCE = re.compile(r"^```(\w+)([^\n]*)\n(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
ADMIN_ID = USERS["admin_a"][0]
PLACEHOLDERS = {
    "<organization id>": str(ORG_A),
    "<integration id>": str(A_IDLE),
    "<user id>": str(ADMIN_ID),
}
TOKENS = {  # what a bearer token or apikey stands for
    "<user JWT>": "admin_a",
    "<publishable key>": "anon",
    "<secret key>": "service_role",
}


@dataclass(frozen=True)
class Block:
    language: str
    info: str
    text: str
    line: int

    @property
    def expect(self) -> str | None:
        found = re.search(r"expect=(\w{5})", self.info)
        return found.group(1) if found else None


def blocks(path: Path = DOC) -> list[Block]:
    text = path.read_text()
    return [
        Block(m.group(1), m.group(2).strip(), m.group(3), text.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(text)
    ]


def doc_tests(language: str) -> list[Block]:
    return [b for b in blocks() if b.language == language and b.info.split(" ")[0] == "doc-test"]


def substitute(text: str) -> str:
    for placeholder, value in PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


# A small PostgREST ---------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: Any

    @classmethod
    def parse(cls, block: str) -> Request:
        head, _, body = substitute(block).partition("\n\n")
        request_line, *header_lines = head.strip().splitlines()
        method, target = request_line.split(" ", 1)
        url = urlsplit(target.strip())
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header_lines)}
        return cls(method, url.path, parse_qsl(url.query), headers, json.loads(body) if body.strip() else None)

    def identity(self) -> Identity:
        apikey = self.headers.get("apikey")
        assert apikey in TOKENS, f"no valid apikey header: the Supabase gateway rejects the request ({apikey!r})"
        bearer = self.headers.get("authorization", f"Bearer {apikey}").removeprefix("Bearer ").strip()
        assert bearer in TOKENS, f"unknown bearer token {bearer!r}"
        return identity_of(TOKENS[bearer])

    def param(self, name: str) -> str | None:
        return next((v for k, v in self.query if k == name), None)

    def filters(self) -> sql.Composable:
        conditions = []
        values = []
        for key, value in self.query:
            if key in ("select", "order"):
                continue
            operator, _, operand = value.partition(".")
            assert operator == "eq", f"only eq. filters are supported here: {key}={value}"
            conditions.append(sql.SQL("{} = {}").format(sql.Identifier(key), sql.Literal(operand)))
            values.append(operand)
        return sql.SQL(" where ") + sql.SQL(" and ").join(conditions) if conditions else sql.SQL("")

    def columns(self) -> sql.Composable:
        selected = self.param("select")
        if selected is None:
            return sql.SQL("*")  # PostgREST's default
        assert "(" not in selected, "embedded resources are not supported here"
        return sql.SQL(", ").join(sql.Identifier(c.strip()) for c in selected.split(","))

    def statement(self, conn: psycopg.Connection) -> sql.Composable:
        parts = self.path.strip("/").split("/")
        assert parts[:2] == ["rest", "v1"], self.path
        if parts[2] == "rpc":
            assert self.method == "POST", "RPCs are called with POST here"
            return rpc_statement(conn, parts[3], self.body or {})
        table = sql.Identifier("public", parts[2])
        if self.method == "GET":
            order = sql.SQL("")
            if (spec := self.param("order")) is not None:
                column, _, direction = spec.partition(".")
                assert direction in ("asc", "desc"), "always pass the direction"
                order = sql.SQL(" order by {} {}").format(sql.Identifier(column), sql.SQL(direction))
            return sql.SQL("select {} from {}{}{}").format(self.columns(), table, self.filters(), order)
        if self.method == "PATCH":
            keys = list(self.body)
            prefer = self.headers.get("prefer", "return=minimal")
            returning = sql.SQL("") if prefer == "return=minimal" else sql.SQL(" returning {}").format(self.columns())
            return sql.SQL(
                "update {} set ({}) = (select {} from pg_catalog.json_populate_record(null::{}, {}) as r){}{}"
            ).format(
                table,
                sql.SQL(", ").join(map(sql.Identifier, keys)),
                sql.SQL(", ").join(sql.Identifier("r", k) for k in keys),
                table,
                sql.Literal(json.dumps(self.body)),
                self.filters(),
                returning,
            )
        raise AssertionError(f"unsupported method {self.method}")


def rpc_statement(conn: psycopg.Connection, name: str, body: dict[str, Any]) -> sql.Composable:
    """The call PostgREST makes: the public function whose argument names fit the body, by named arguments."""
    candidates = conn.execute(
        "select p.proargnames[1:p.pronargs], p.pronargdefaults, "
        "array(select pg_catalog.format_type(t, null) from pg_catalog.unnest(p.proargtypes) as t) "
        "from pg_catalog.pg_proc as p where p.pronamespace = 'public'::regnamespace and p.proname = %s",
        [name],
    ).fetchall()
    for names, defaults, types in candidates:
        names = names or []
        required = set(names[: len(names) - defaults])
        if required <= set(body) <= set(names):
            arguments = [
                sql.SQL("{} => ({}::json ->> {})::{}").format(
                    sql.Identifier(arg), sql.Literal(json.dumps(body)), sql.Literal(arg), sql.SQL(kind)
                )
                for arg, kind in zip(names, types, strict=True)
                if arg in body
            ]
            return sql.SQL("select * from {}({})").format(sql.Identifier("public", name), sql.SQL(", ").join(arguments))
    raise AssertionError(f"PGRST202: no public function {name} takes {sorted(body)}")


# Tests ---------------------------------------------------------------------------------------------


def test_the_doc_has_executable_snippets_of_each_kind() -> None:
    assert {b.language for b in blocks() if b.info.startswith("doc-test")} == {"python", "http", "sql"}
    assert any(b.expect for b in doc_tests("http")), "a refused request shows what is refused"


def test_http_snippets_run_as_postgrest_would(world: World, db_url: str) -> None:
    for block in doc_tests("http"):
        request = Request.parse(block.text)
        with psycopg.connect(db_url) as conn:
            error: psycopg.Error | None = None
            try:
                with conn.transaction(force_rollback=True), conn.cursor() as cur:
                    request.identity().apply(cur)
                    cur.execute(request.statement(conn))
            except psycopg.Error as raised:
                error = raised
        outcome = None if error is None else error.sqlstate
        assert outcome == block.expect, f"docs/client-contract.md:{block.line}: {outcome} ({error})"


def test_sql_snippets_run_as_written(world: World, db_url: str) -> None:
    for block in doc_tests("sql"):
        outcome = None
        with psycopg.connect(db_url, autocommit=True) as conn:
            try:
                for statement in split_statements(substitute(block.text)):
                    conn.execute(statement.text)  # type: ignore[arg-type]  # the doc's own SQL
            except psycopg.Error as error:
                outcome = error.sqlstate
        assert outcome == block.expect, f"docs/client-contract.md:{block.line}: {outcome}"


def test_python_snippets_run_in_order(world: World, db_url: str) -> None:
    namespace: dict[str, Any] = {
        "database_url": db_url,
        "user_id": ADMIN_ID,
        "organization_id": ORG_A,
        "integration_id": A_IDLE,
        "api_key": "sk_doc-api-key-NEVER-LOG",
        "new_key": "sk_doc-new-key-NEVER-LOG",
    }
    try:
        for block in doc_tests("python"):
            code = compile(block.text, f"docs/client-contract.md:{block.line}", "exec")
            exec(code, namespace)  # the doc's own snippets, executed on purpose
    finally:
        if (pool := namespace.get("pool")) is not None:
            pool.close()
    with psycopg.connect(db_url) as conn:
        row = conn.execute("select status::text from public.organization_integrations where id = %s", [A_IDLE])
        assert row.fetchone() == ("active",), "the activation flow in the doc ends with an active integration"


DART_RPC = re.compile(r"\.rpc(?:<[^>]*>)?\(\s*'(\w+)'(?:\s*,\s*params:\s*\{([^}]*)\})?", re.DOTALL)


def test_dart_rpc_calls_name_real_functions_and_parameters(db_url: str) -> None:
    calls = [
        (m.group(1), set(re.findall(r"'(\w+)'\s*:", m.group(2) or "")))
        for b in blocks()
        if b.language == "dart"
        for m in DART_RPC.finditer(b.text)
    ]
    assert calls
    with psycopg.connect(db_url) as conn:
        for name, params in calls:
            signatures = conn.execute(
                "select p.proargnames[1:p.pronargs] from pg_catalog.pg_proc as p "
                "where p.pronamespace = 'public'::regnamespace and p.proname = %s",
                [name],
            ).fetchall()
            assert any(params <= set(names or []) for (names,) in signatures), (name, params, signatures)


@pytest.mark.parametrize("block", doc_tests("http"), ids=lambda b: f"line{b.line}")
def test_every_http_snippet_sends_the_key_and_a_token(block: Block) -> None:
    request = Request.parse(block.text)
    assert "apikey" in request.headers
    assert request.headers.get("authorization", "").startswith("Bearer ")
