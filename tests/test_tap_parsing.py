"""Verdicts follow TAP::Harness, which is what pg_prove uses."""

from pathlib import Path

import pytest

from harness.pgtap import FileResult, parse_tap


def verdict(*lines: str) -> FileResult:
    result = FileResult(path=Path("x.sql"))
    parse_tap(result, list(lines))
    return result


def test_complete_plan_passes() -> None:
    res = verdict("1..2", "ok 1 - a", "ok 2 - b")
    assert res.passed
    assert [a.description for a in res.assertions] == ["a", "b"]


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        (("1..3", "ok 1 - a", "ok 2 - b"), "planned 3 tests but ran 2"),
        (("ok 1 - a",), "no plan"),
        (("1..2", "ok 1 - a", "not ok 2 - b", "# Failed test 2"), "failed tests 2"),
        (("1..2", "ok 2 - a", "ok 1 - b"), "tests out of sequence"),
        (("1..1", "Bail out! broken"), "bailed out: broken"),
    ],
)
def test_failures_are_named(lines: tuple[str, ...], problem: str) -> None:
    res = verdict(*lines)
    assert not res.passed
    assert problem in res.problems


def test_todo_failure_and_skip_pass() -> None:
    res = verdict("1..2", "not ok 1 - later # TODO not built", "ok 2 # SKIP no vault")
    assert res.passed
    assert res.assertions[1].skip


def test_diagnostics_attach_to_the_failed_assertion() -> None:
    res = verdict("1..1", "not ok 1 - x", "#   Failed test 1: x", "#         have: 1", "#         want: 2")
    assert res.assertions[0].diagnostics == ["#   Failed test 1: x", "#         have: 1", "#         want: 2"]


def test_non_tap_rows_are_ignored() -> None:
    res = verdict("1..1", "3f1b2c9e-0000-4000-8000-000000000000", "ok 1 - a")
    assert res.passed


def test_a_printed_value_is_not_mistaken_for_a_plan() -> None:
    res = verdict("1..1", "1ab2c3d4-0000-4000-8000-000000000000", "1f09c2e8a", "ok 1 - a")
    assert res.plan == 1
    assert res.passed
