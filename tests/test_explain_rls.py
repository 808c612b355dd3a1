"""tools/explain_rls.py alters a policy (inside a rolled-back transaction): never on a database by accident."""

from __future__ import annotations

import pytest

from explain_rls import parse_args


def test_a_given_database_is_refused_without_the_flag(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exited:
        parse_args(["--db-url", "postgresql://postgres:postgres@db.example.test:5432/postgres"])
    assert exited.value.code == 2
    assert "--allow-policy-change" in capsys.readouterr().err


def test_the_flag_allows_it_and_no_url_means_a_throwaway_cluster():
    url = "postgresql://postgres:postgres@127.0.0.1:54322/postgres"
    assert parse_args(["--db-url", url, "--allow-policy-change"]).db_url == url
    assert parse_args([]).db_url is None
