"""Plaintext canary (issue 6, section 3): no credential's plaintext appears anywhere outside Vault's ciphertext.

A random credential is stored through the API by an org admin, rotated by
service_role and retrieved by service_role, next to the world's other
credentials. Then the haystack is collected:

* ``pg_dump`` as the superuser, data and schema of everything except the rows of
  ``vault.secrets`` (all schemas, the credential audit and the notifications
  included);
* ``pg_stat_statements`` of the database. The harness cluster does not load it,
  so this module starts its own cluster with it in ``shared_preload_libraries``
  and ``pg_stat_statements.track = all`` (statements inside functions too), as
  hosted Supabase has it enabled;
* the server log of that cluster, with default logging (failed statements are
  logged with their text).

No plaintext may appear in it raw, base64 (standard or URL-safe, at any byte
alignment, with or without padding) or hex (either case, which covers bytea
output). The failing proofs plant the secret in each form and in each source.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from gates_world import ADMIN_A, INTEGRATIONS, ORG_A, ORG_C, World, act_as, build_world, random_credential

from harness import postgres
from harness.cluster import SUPERUSER, Cluster, install_platform, start_cluster
from harness.reset import apply_builtin

ROOT = Path(__file__).resolve().parents[2]
CANARY_INTEGRATION = "00000606-1000-4000-8000-0000000000a3"  # in org A, no credential until the canary
TEMPLATE = "canary_template"


# The gate ------------------------------------------------------------------------------------------


def forms(plaintext: str) -> dict[str, str]:
    """Every form of ``plaintext`` to look for: raw, base64 (both alphabets, three alignments), hex."""
    raw = plaintext.encode()
    found = {"raw": plaintext, "hex": raw.hex(), "HEX": raw.hex().upper()}
    for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        for shift in range(3):
            # Inside a longer value the secret can start at any byte offset modulo 3: drop the
            # 4-character groups that mix in the neighbouring bytes, keep the rest.
            encoded = encode(b"\0" * shift + raw).decode().rstrip("=")
            core = encoded[4 if shift else 0 : len(encoded) - 4]
            assert len(core) >= 32, "canary credentials are long enough to make a chance match impossible"
            found[f"{name}@{shift}"] = core
    return found


@dataclass(frozen=True)
class Leak:
    source: str
    secret: str
    form: str
    context: str


# PostgreSQL's encode(..., 'base64') breaks lines every 76 characters, and pg_dump writes a newline
# inside a value as the two characters \n: search a copy without either as well.
_LINE_BREAKS = re.compile(r"\\[nr]|\s")


def find_leaks(haystacks: dict[str, str], plaintexts: dict[str, str]) -> list[Leak]:
    leaks = []
    for source, original in haystacks.items():
        squeezed = _LINE_BREAKS.sub("", original)
        for label, plaintext in plaintexts.items():
            for form, needle in forms(plaintext).items():
                text = original if form == "raw" else squeezed
                at = text.find(needle)
                if at >= 0:
                    context = text[max(0, at - 80) : at + len(needle) + 40].replace(needle, "<SECRET>")
                    leaks.append(Leak(source, label, form, context))
    return leaks


def dump(cluster: Cluster, dbname: str) -> str:
    """pg_dump as the superuser (nothing skipped for lack of privileges), without vault.secrets rows."""
    pg_dump = postgres.client_tool("pg_dump", cluster.major)
    out = subprocess.run(
        [
            str(pg_dump),
            "--dbname",
            cluster.url(user=SUPERUSER, password="", dbname=dbname),
            "--exclude-table-data=vault.secrets",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return "\n".join(line for line in out.splitlines() if not line.startswith(("\\restrict", "\\unrestrict")))


def statement_stats(cluster: Cluster, dbname: str) -> str:
    with psycopg.connect(cluster.admin_url) as conn:
        rows = conn.execute(
            "select s.query from extensions.pg_stat_statements as s "
            "join pg_catalog.pg_database as d on d.oid = s.dbid where d.datname = %s",
            [dbname],
        ).fetchall()
    return "\n".join(row[0] for row in rows)


def haystacks(cluster: Cluster, dbname: str, log_offset: int) -> dict[str, str]:
    log = cluster.workdir / "postgresql.log"
    with log.open("rb") as handle:
        handle.seek(log_offset)
        server_log = handle.read().decode(errors="replace")
    return {
        "pg_dump": dump(cluster, dbname),
        "pg_stat_statements": statement_stats(cluster, dbname),
        "server log": server_log,
    }


def exercise_api(url: str, world: World) -> dict[str, str]:
    """Store a canary as admin A, rotate and retrieve it as service_role, and run the breach runbook's revoke
    on org C (audit rows and a notification about revoked credentials); return every plaintext in play."""
    stored, rotated = random_credential(), random_credential()
    with psycopg.connect(url) as conn:
        with conn.transaction():
            act_as(conn, "admin_a")
            secret_id = conn.execute("select public.store_credential(%s, %s)", [CANARY_INTEGRATION, stored]).fetchone()
        with conn.transaction():
            act_as(conn, "service_role")
            conn.execute("select public.rotate_credential(%s, %s)", [CANARY_INTEGRATION, rotated])
            got = conn.execute("select public.retrieve_credential(%s)", [secret_id[0]]).fetchone()  # type: ignore[index]
            assert got == (rotated,)
            revoked = conn.execute("select * from public.emergency_revoke_credentials(%s, 'canary')", [ORG_C])
            assert len(revoked.fetchall()) == 1
    return {
        "canary (stored)": stored,
        "canary (rotated)": rotated,
        **world.plaintexts,
        "unrelated": world.unrelated_secret,
    }


# Fixtures ------------------------------------------------------------------------------------------


def restart(cluster: Cluster) -> None:
    subprocess.run(
        [
            cluster.executor.executable,
            "restart",
            "-D",
            cluster.executor.datadir,
            "-w",
            "-m",
            "fast",
            "-l",
            str(cluster.workdir / "postgresql.log"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
    )


@pytest.fixture(scope="module")
def stats_cluster() -> Iterator[Cluster]:
    """A cluster of its own with pg_stat_statements loaded, and a template database with every migration."""
    with start_cluster() as cluster:
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute("alter system set shared_preload_libraries = 'pg_stat_statements'")
        restart(cluster)
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute("alter system set pg_stat_statements.track = 'all'")
            conn.execute("select pg_catalog.pg_reload_conf()")
        install_platform(cluster, "legacy")
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute("create extension pg_stat_statements with schema extensions")
        apply_builtin(cluster.url(), ROOT, seed=False)
        with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {TEMPLATE} template postgres owner postgres")
        yield cluster


@pytest.fixture
def canary_db(stats_cluster: Cluster) -> Callable[[str], tuple[str, str]]:
    """Factory: a fully migrated database (optionally plus one bad migration); returns (url, name)."""

    def make(extra_sql: str = "") -> tuple[str, str]:
        name = f"canary_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(stats_cluster.admin_url, autocommit=True) as conn:
            conn.execute(f"create database {name} template {TEMPLATE} owner postgres")
        url = stats_cluster.url(dbname=name)
        if extra_sql:
            with psycopg.connect(url) as conn:
                conn.execute(extra_sql)  # type: ignore[arg-type]  # our own deliberately bad SQL
        return url, name

    return make


def log_size(cluster: Cluster) -> int:
    return (cluster.workdir / "postgresql.log").stat().st_size


# The gate on the real migrations -------------------------------------------------------------------


def test_no_plaintext_in_dump_statistics_or_log(
    stats_cluster: Cluster, canary_db: Callable[..., tuple[str, str]], capsys: pytest.CaptureFixture[str]
) -> None:
    url, name = canary_db()
    offset = log_size(stats_cluster)
    world = build_world(url)
    plaintexts = exercise_api(url, world)
    stacks = haystacks(stats_cluster, name, offset)

    # The haystack really holds what the issue names: audit and notification data, function bodies, statistics.
    assert "COPY public.credential_audit" in stacks["pg_dump"]
    assert "COPY public.organization_notifications" in stacks["pg_dump"]
    assert "COPY vault.secrets" not in stacks["pg_dump"]
    assert ORG_A in stacks["pg_dump"]
    assert "store_credential" in stacks["pg_stat_statements"]
    assert "vault.update_secret" in stacks["pg_stat_statements"], "track = all also records statements in functions"
    assert len(plaintexts) == len([i for i in INTEGRATIONS.values() if i[3]]) + 3

    assert "credentials_revoked" in stacks["pg_dump"]

    assert find_leaks(stacks, plaintexts) == []
    with capsys.disabled():
        print(
            f"\ncanary: {len(plaintexts)} plaintexts x {len(forms('x' * 40))} forms, none found in "
            + ", ".join(f"{source} ({len(text):,} chars)" for source, text in stacks.items())
            + " (pg_stat_statements loaded in the canary's own cluster; the harness cluster has none)"
        )


def test_forms_cover_raw_base64_and_hex() -> None:
    secret = "sk_live_" + "A1b2-C3d4_" * 4
    haystack = {
        "raw": f"x{secret}y",
        "hex": "\\x" + secret.encode().hex(),
        "base64 embedded at offset 1": base64.b64encode(b"{" + secret.encode() + b"}").decode(),
        "base64url embedded at offset 2": base64.urlsafe_b64encode(b"ab" + secret.encode()).decode(),
    }
    found = {(leak.source, leak.form) for leak in find_leaks(haystack, {"s": secret})}
    assert ("raw", "raw") in found
    assert ("hex", "hex") in found
    assert ("base64 embedded at offset 1", "base64@1") in found
    assert ("base64url embedded at offset 2", "base64url@2") in found
    assert (
        find_leaks({"elsewhere": base64.b64encode(b"another secret entirely, long enough").decode()}, {"s": secret})
        == []
    )


# Failing proofs: a plaintext planted in each form and each source is caught -------------------------

DEBUG_COPY = """
-- Deliberately bad: a "debug log" that copies every stored credential into a plaintext column.
create table private.credential_debug (value {column_type});
grant usage on schema private to authenticated, service_role;
grant insert on private.credential_debug to authenticated, service_role;

create or replace function public.store_credential(p_integration_id uuid, p_secret text)
returns uuid
language sql
volatile
security invoker
set search_path = ''
as $$
    insert into private.credential_debug (value) values ({expression});
    select private.store_credential(p_integration_id, p_secret);
$$;
"""


@pytest.mark.parametrize(
    ("column_type", "expression", "form"),
    [
        ("text", "p_secret", "raw"),
        ("text", "pg_catalog.encode(pg_catalog.convert_to('{\"k\": \"' || p_secret, 'utf8'), 'base64')", "base64@"),
        ("bytea", "pg_catalog.convert_to(p_secret, 'utf8')", "hex"),
        ("jsonb", "pg_catalog.jsonb_build_object('preview', pg_catalog.md5(p_secret), 'secret', p_secret)", "raw"),
    ],
)
def test_canary_catches_a_plaintext_copy_in_the_dump(
    stats_cluster: Cluster, canary_db: Callable[..., tuple[str, str]], column_type: str, expression: str, form: str
) -> None:
    url, name = canary_db(DEBUG_COPY.format(column_type=column_type, expression=expression))
    offset = log_size(stats_cluster)
    plaintexts = exercise_api(url, build_world(url))
    leaks = find_leaks(haystacks(stats_cluster, name, offset), plaintexts)
    assert {(leak.source, leak.secret) for leak in leaks if leak.form.startswith(form)} >= {
        ("pg_dump", "canary (stored)")
    }, leaks
    assert all(leak.secret != "canary (rotated)" for leak in leaks), "rotate was not tampered with"


def test_canary_catches_a_secret_in_pg_stat_statements(
    stats_cluster: Cluster, canary_db: Callable[..., tuple[str, str]]
) -> None:
    url, name = canary_db()
    build_world(url)
    offset = log_size(stats_cluster)
    secret = random_credential()
    with psycopg.connect(url) as conn:
        # Deliberately bad client: the secret inlined in a utility statement, which is recorded verbatim.
        conn.execute(
            f"do $do$ begin perform public.store_credential('{CANARY_INTEGRATION}', '{secret}'); end $do$"  # type: ignore[arg-type]
        )
    leaks = find_leaks(haystacks(stats_cluster, name, offset), {"inlined": secret})
    assert ("pg_stat_statements", "raw") in {(leak.source, leak.form) for leak in leaks}
    assert "pg_dump" not in {leak.source for leak in leaks}


def test_canary_catches_a_secret_in_the_server_log(
    stats_cluster: Cluster, canary_db: Callable[..., tuple[str, str]]
) -> None:
    url, name = canary_db()
    build_world(url)
    offset = log_size(stats_cluster)
    secret = random_credential()
    with psycopg.connect(url) as conn, conn.transaction():
        act_as(conn, "admin_a")
        # Deliberately bad client: a literal secret in a statement that fails (42501: not org B's admin).
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                f"select public.store_credential('00000606-1000-4000-8000-0000000000b1', '{secret}')"  # type: ignore[arg-type]
            )
    leaks = find_leaks(haystacks(stats_cluster, name, offset), {"literal": secret})
    assert ("server log", "raw") in {(leak.source, leak.form) for leak in leaks}
    assert ADMIN_A  # the world was built: the 42501 came from authorization, not an unknown id


# Issue 10, part 4: bind parameters and the server log ------------------------------------------------
#
# A bind parameter keeps a secret out of the statement text, not out of the log: with statement or
# duration logging on, PostgreSQL also logs the parameters of every logged statement, up to
# log_parameter_max_length bytes each (default -1: all of it). Each case below sets logging for one
# database (as the superuser, as an operator would for the project), makes one call, and reads the
# server log. docs/credentials.md states what an operator must set, from these results.

# The SQL PostgREST sends for POST /rest/v1/rpc/store_credential: the request body is one parameter.
POSTGREST_RPC = (
    "with pgrst_args as (select * from json_to_record(%s::json) as _(p_integration_id uuid, p_secret text)) "
    "select public.store_credential(_.p_integration_id, _.p_secret) from pgrst_args as _"
)
# What org_integrations.repository (and supabase-py's own SQL) does: one parameter per argument.
DIRECT_CALL = "select public.store_credential(%s, %s)"
FOREIGN_INTEGRATION = "00000606-1000-4000-8000-0000000000b1"  # org B's: admin A gets 42501
# "DETAIL:  parameters: $1 = ..." on PostgreSQL 15, "Parameters:" from 16 on.
PARAMETERS_LINE = re.compile(r"[Pp]arameters: \$1 = ")


def call_store(url: str, shape: str, secret: str, integration: str = CANARY_INTEGRATION) -> None:
    with psycopg.connect(url) as conn, conn.transaction():
        act_as(conn, "admin_a")
        if shape == "postgrest":
            body = json.dumps({"p_integration_id": integration, "p_secret": secret})
            conn.execute(POSTGREST_RPC, [body])
        else:
            conn.execute(DIRECT_CALL, [integration, secret])


@pytest.mark.parametrize(
    ("settings", "shape", "expected"),
    [
        pytest.param({"log_min_duration_statement": "0"}, "postgrest", "whole", id="duration-default-postgrest"),
        pytest.param({"log_min_duration_statement": "0"}, "direct", "whole", id="duration-default-direct"),
        pytest.param({"log_statement": "'all'"}, "postgrest", "whole", id="statement-all-default"),
        pytest.param(
            {"log_min_duration_statement": "0", "log_parameter_max_length": "0"},
            "postgrest",
            "none",
            id="duration-max-length-0-postgrest",
        ),
        pytest.param(
            {"log_min_duration_statement": "0", "log_parameter_max_length": "0"},
            "direct",
            "none",
            id="duration-max-length-0-direct",
        ),
        pytest.param(
            {"log_statement": "'all'", "log_parameter_max_length": "0"},
            "postgrest",
            "none",
            id="statement-all-max-length-0",
        ),
        pytest.param(
            {"log_min_duration_statement": "0", "log_parameter_max_length": "16"},
            "direct",
            "prefix",
            id="duration-max-length-16-direct",
        ),
    ],
)
def test_what_the_log_holds_under_statement_and_duration_logging(
    stats_cluster: Cluster,
    canary_db: Callable[..., tuple[str, str]],
    settings: dict[str, str],
    shape: str,
    expected: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, name = canary_db()
    build_world(url)
    with psycopg.connect(stats_cluster.admin_url, autocommit=True) as conn:
        for setting, value in settings.items():
            conn.execute(f"alter database {name} set {setting} = {value}")  # type: ignore[arg-type]  # our constants
    offset = log_size(stats_cluster)
    secret = random_credential()
    call_store(url, shape, secret)
    log = haystacks(stats_cluster, name, offset)["server log"]

    assert "store_credential" in log, "the settings took effect: the call was logged"
    found = {(leak.source, leak.form) for leak in find_leaks({"server log": log}, {"canary": secret})}
    if expected == "whole":
        assert ("server log", "raw") in found
        assert PARAMETERS_LINE.search(log)
    elif expected == "none":
        assert found == set()
        assert not PARAMETERS_LINE.search(log)
    else:
        # A positive limit truncates each parameter: the secret's first bytes are still in the log.
        assert found == set()
        assert f"'{secret[:16]}...'" in log
    with capsys.disabled():
        print(f"\nlog with {settings} ({shape} call): secret {expected}")


@pytest.mark.parametrize(("on_error", "leaks"), [("0", False), ("-1", True)])
def test_failed_calls_log_parameters_only_with_log_parameter_max_length_on_error(
    stats_cluster: Cluster, canary_db: Callable[..., tuple[str, str]], on_error: str, leaks: bool
) -> None:
    """A refused call (42501) is logged with its statement text (log_min_error_statement); its parameters
    only when log_parameter_max_length_on_error is not 0 (its default is 0)."""
    url, name = canary_db()
    build_world(url)
    with psycopg.connect(stats_cluster.admin_url, autocommit=True) as conn:
        conn.execute(f"alter database {name} set log_parameter_max_length_on_error = {on_error}")  # type: ignore[arg-type]
    offset = log_size(stats_cluster)
    secret = random_credential()
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        call_store(url, "direct", secret, integration=FOREIGN_INTEGRATION)
    log = haystacks(stats_cluster, name, offset)["server log"]
    assert "select public.store_credential($1, $2)" in log, "the failed statement is logged"
    assert bool(find_leaks({"server log": log}, {"canary": secret})) is leaks


def test_the_credentials_doc_tells_operators_what_to_set() -> None:
    """The claim that bind parameters never reach the log is gone, and the operator settings are written down."""
    text = (ROOT / "docs" / "credentials.md").read_text()
    assert "but a bind parameter does not" not in text
    assert "`log_parameter_max_length = 0`" in text
    assert "`log_parameter_max_length_on_error = 0`" in text
