"""tools/bench_rls.py: its comparisons run, agree on the rows, and leave a given database as it was."""

from __future__ import annotations

import json

import psycopg
import pytest

from bench_rls import TABLES, claims_of, main


def test_supabase_claims_carry_the_caller_and_the_rest_of_an_access_token():
    user_id = "00000000-0000-4000-8000-00000000b001"
    claims = json.loads(claims_of(user_id, "supabase"))
    assert claims["sub"] == user_id
    assert claims["role"] == "authenticated"
    # The document a policy parses for the caller's id is a real token's, not three keys.
    assert {"aal", "amr", "app_metadata", "user_metadata", "session_id", "iss", "exp"} <= set(claims)
    minimal = {"sub": user_id, "role": "authenticated", "aud": "authenticated"}
    assert json.loads(claims_of(user_id, "minimal")) == minimal


def _footprint(url: str) -> tuple[int, int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "select (select pg_catalog.count(*) from public.organizations), "
            "(select pg_catalog.count(*) from private.memberships), "
            "(select pg_catalog.count(*) from pg_catalog.pg_roles where rolname = 'bench_permissive_only')"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1]), int(row[2])


def test_a_small_run_against_a_database_measures_every_table_and_keeps_nothing(
    db_url: str, capsys: pytest.CaptureFixture[str]
):
    before = _footprint(db_url)
    status = main(["--db-url", db_url, "--rows", "200", "--orgs", "20", "--many", "3", "--runs", "2", "--warmup", "0"])
    out = capsys.readouterr().out
    assert status == 0, out
    for table in TABLES:
        assert f"\n{table} " in out, table
    # Each row compares RLS with the three forms without it and with the lockdown-free copy of the policies.
    assert "JWT id ms" in out
    assert "worst ratio against JWT id" in out
    assert "the caller's id alone" in out
    assert _footprint(db_url) == before


def test_max_ratio_fails_the_run_when_exceeded(db_url: str, capsys: pytest.CaptureFixture[str]):
    status = main(
        [
            "--db-url",
            db_url,
            "--rows",
            "40",
            "--orgs",
            "4",
            "--many",
            "2",
            "--runs",
            "1",
            "--warmup",
            "0",
            "--tables",
            "organizations",
            "--max-ratio",
            "0.01",
        ]
    )
    assert status == 1
    assert "is above --max-ratio 0.01" in capsys.readouterr().out
