"""The pydantic models of the version 1 documents: strict, and the same rules as the database."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from org_integrations.config_models import (
    DEFAULT_FIELD_MAPPINGS,
    DEFAULT_SYNC_SCHEDULE,
    MAX_DOCUMENT_BYTES,
    CronSchedule,
    FieldMappings,
    IntervalSchedule,
    ManualSchedule,
    SyncSchedule,
    canonical_size,
    cron_problems,
    is_valid,
    parse,
    problems,
)
from support.config_documents import document_of_size

MAPPING = {"source": "Account.Name", "target": "customer_name", "required": True}


def fm(*mappings: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"version": 1, "mappings": list(mappings), **top}


def schedule(**fields: Any) -> dict[str, Any]:
    return {"version": 1, "mode": "manual", "timezone": "UTC", "enabled": True, **fields}


def cron(expression: str) -> dict[str, Any]:
    return schedule(mode="cron", cron=expression)


# Defaults and parsing --------------------------------------------------------------


def test_defaults_are_valid():
    assert is_valid("field_mappings", DEFAULT_FIELD_MAPPINGS)
    assert is_valid("sync_schedule", DEFAULT_SYNC_SCHEDULE)


def test_parse_returns_typed_models():
    mappings = parse("field_mappings", json.dumps(fm(MAPPING, {**MAPPING, "target": "b", "transform": "trim"})))
    assert isinstance(mappings, FieldMappings)
    assert [m.target for m in mappings.mappings] == ["customer_name", "b"]
    assert mappings.mappings[0].transform is None
    assert mappings.mappings[1].transform == "trim"
    assert isinstance(parse("sync_schedule", schedule()).root, ManualSchedule)
    assert isinstance(parse("sync_schedule", schedule(mode="interval", interval_minutes=60)).root, IntervalSchedule)
    assert isinstance(parse("sync_schedule", cron("*/5 * * * *")).root, CronSchedule)


def test_models_are_frozen():
    mappings = parse("field_mappings", fm(MAPPING))
    with pytest.raises(ValidationError):
        mappings.mappings[0].target = "other"  # type: ignore[misc]


# field_mappings rules -----------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(fm(), id="no mappings"),
        pytest.param(fm(MAPPING, {**MAPPING, "target": "b", "transform": "to_date"}), id="transform optional"),
        pytest.param(fm({**MAPPING, "source": "x" * 255, "target": "a" * 63}), id="longest source and target"),
        pytest.param(fm(*[{**MAPPING, "target": f"t{n}"} for n in range(500)]), id="500 mappings"),
        pytest.param(fm({**MAPPING, "source": "名前 😀"}), id="any printable source"),
    ],
)
def test_valid_field_mappings(document: dict[str, Any]):
    assert is_valid("field_mappings", document)
    assert is_valid("field_mappings", json.dumps(document))
    assert problems("field_mappings", document) == []


@pytest.mark.parametrize(
    "document",
    [
        pytest.param([], id="not an object"),
        pytest.param({"mappings": []}, id="version missing"),
        pytest.param({"version": 1}, id="mappings missing"),
        pytest.param(fm(notes="x"), id="unknown top-level key"),
        pytest.param(fm({**MAPPING, "extra": 1}), id="unknown mapping key"),
        pytest.param({"version": 2, "mappings": []}, id="unknown version"),
        pytest.param({"version": 1.0, "mappings": []}, id="version as float"),
        pytest.param({"version": True, "mappings": []}, id="version as boolean"),
        pytest.param({"version": "1", "mappings": []}, id="version as string"),
        pytest.param(fm({"target": "a", "required": True}), id="source missing"),
        pytest.param(fm({"source": "a", "required": True}), id="target missing"),
        pytest.param(fm({"source": "a", "target": "a"}), id="required missing"),
        pytest.param(fm({**MAPPING, "source": ""}), id="empty source"),
        pytest.param(fm({**MAPPING, "source": "x" * 256}), id="source too long"),
        pytest.param(fm({**MAPPING, "source": "a\tb"}), id="control character in source"),
        pytest.param(fm({**MAPPING, "source": 5}), id="source not a string"),
        pytest.param(fm({**MAPPING, "target": "Email"}), id="uppercase target"),
        pytest.param(fm({**MAPPING, "target": "9lives"}), id="target starts with a digit"),
        pytest.param(fm({**MAPPING, "target": "a" * 64}), id="target too long"),
        pytest.param(fm({**MAPPING, "target": "email\n"}), id="target with trailing newline"),
        pytest.param(fm({**MAPPING, "transform": "reverse"}), id="unknown transform"),
        pytest.param(fm({**MAPPING, "transform": None}), id="null transform"),
        pytest.param(fm({**MAPPING, "transform": "TRIM"}), id="transform is case-sensitive"),
        pytest.param(fm({**MAPPING, "required": 1}), id="required as 1"),
        pytest.param(fm({**MAPPING, "required": "true"}), id="required as string"),
        pytest.param(fm(MAPPING, {**MAPPING, "source": "other"}), id="duplicate target"),
        pytest.param(fm(*[{**MAPPING, "target": f"t{n}"} for n in range(501)]), id="501 mappings"),
        pytest.param(fm("not a mapping"), id="mapping not an object"),
    ],
)
def test_invalid_field_mappings(document: Any):
    assert not is_valid("field_mappings", document)
    assert not is_valid("field_mappings", json.dumps(document))
    assert problems("field_mappings", document)


def test_problem_paths_point_into_the_document():
    found = problems("field_mappings", fm(MAPPING, {**MAPPING, "target": "Bad", "x y": 1}, extra=True))
    assert "$.mappings[1].target: String should match pattern '^[a-z][a-z0-9_]*$'" in found
    assert '$.mappings[1]."x y": Extra inputs are not permitted' in found
    assert "$.extra: Extra inputs are not permitted" in found
    duplicate = problems("field_mappings", fm(MAPPING, MAPPING))
    assert duplicate == ['$.mappings[1].target: duplicate target "customer_name", first used at $.mappings[0]']


# Size -----------------------------------------------------------------------------------


@pytest.mark.parametrize("wide", ["x", "é", "😀"])
def test_size_cap_is_exact(wide: str):
    assert is_valid("field_mappings", document_of_size(MAX_DOCUMENT_BYTES, wide))
    assert not is_valid("field_mappings", document_of_size(MAX_DOCUMENT_BYTES + 1, wide))
    assert problems("field_mappings", document_of_size(MAX_DOCUMENT_BYTES + 1, wide)) == [
        f"$: document is {MAX_DOCUMENT_BYTES + 1} bytes, the limit is {MAX_DOCUMENT_BYTES}"
    ]


def test_canonical_size_matches_jsonb_text_form():
    # jsonb prints '{"a": 1, "b": [true, null]}': ", " and ": " separators, UTF-8 unescaped.
    assert canonical_size({"a": 1, "b": [True, None]}) == len('{"a": 1, "b": [true, null]}')
    assert canonical_size({"é": "名"}) == len('{"é": "名"}'.encode())
    assert canonical_size({"a": "\n"}) == len('{"a": "\\n"}')
    assert canonical_size({"a": float("nan")}) is None


# sync_schedule rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        pytest.param(schedule(), id="manual"),
        pytest.param(schedule(enabled=False, timezone="Europe/Paris"), id="manual disabled"),
        pytest.param(schedule(mode="interval", interval_minutes=5), id="shortest interval"),
        pytest.param(schedule(mode="interval", interval_minutes=10080), id="longest interval"),
        pytest.param(cron("*/15 8-18 * * mon-fri"), id="cron with names"),
        pytest.param(cron("0,30 0 1-31/2 JAN-jun,Dec 0-7"), id="cron lists and ranges"),
        pytest.param(cron("59 23 31 12 7"), id="cron highest values"),
        pytest.param(cron("00 00 01 01 00"), id="cron leading zeros"),
        pytest.param(cron("*/60 */24 */31 */12 */7"), id="cron largest steps"),
        pytest.param(schedule(timezone="EST5EDT"), id="zone alias in pg_timezone_names"),
    ],
)
def test_valid_sync_schedules(document: dict[str, Any]):
    assert is_valid("sync_schedule", document)
    assert is_valid("sync_schedule", json.dumps(document))


@pytest.mark.parametrize(
    "document",
    [
        pytest.param("manual", id="not an object"),
        pytest.param({k: v for k, v in schedule().items() if k != "version"}, id="version missing"),
        pytest.param({k: v for k, v in schedule().items() if k != "mode"}, id="mode missing"),
        pytest.param({k: v for k, v in schedule().items() if k != "timezone"}, id="timezone missing"),
        pytest.param({k: v for k, v in schedule().items() if k != "enabled"}, id="enabled missing"),
        pytest.param(schedule(at="02:00"), id="unknown key"),
        pytest.param(schedule(version=2), id="unknown version"),
        pytest.param(schedule(mode="daily"), id="unknown mode"),
        pytest.param(schedule(mode="Manual"), id="mode is case-sensitive"),
        pytest.param(schedule(enabled="true"), id="enabled as string"),
        pytest.param(schedule(enabled=0), id="enabled as 0"),
        pytest.param(schedule(mode="interval"), id="interval missing"),
        pytest.param(schedule(mode="interval", interval_minutes=4), id="interval too short"),
        pytest.param(schedule(mode="interval", interval_minutes=10081), id="interval too long"),
        pytest.param(schedule(mode="interval", interval_minutes=60.0), id="interval as float"),
        pytest.param(schedule(mode="interval", interval_minutes="60"), id="interval as string"),
        pytest.param(schedule(mode="interval", interval_minutes=True), id="interval as boolean"),
        pytest.param(schedule(interval_minutes=60), id="interval in manual mode"),
        pytest.param(schedule(mode="cron"), id="cron missing"),
        pytest.param(schedule(cron="* * * * *"), id="cron in manual mode"),
        pytest.param(schedule(mode="interval", interval_minutes=60, cron="* * * * *"), id="cron in interval mode"),
        pytest.param(schedule(timezone="Mars/Olympus"), id="unknown zone"),
        pytest.param(schedule(timezone="europe/paris"), id="zone is case-sensitive"),
        pytest.param(schedule(timezone="posix/Europe/Paris"), id="posix/ copy of a zone"),
        pytest.param(schedule(timezone="localtime"), id="localtime"),
        pytest.param(schedule(timezone="+03:00"), id="offset instead of a zone"),
        pytest.param(schedule(x="y" * MAX_DOCUMENT_BYTES), id="oversized"),
    ],
)
def test_invalid_sync_schedules(document: Any):
    assert not is_valid("sync_schedule", document)
    assert not is_valid("sync_schedule", json.dumps(document))
    assert problems("sync_schedule", document)


@pytest.mark.parametrize(
    ("expression", "reason"),
    [
        ("* * * *", "expected 5 fields separated by single spaces: minute hour day-of-month month day-of-week"),
        ("*  * * * *", "expected 5 fields separated by single spaces: minute hour day-of-month month day-of-week"),
        ("60 * * * *", "minute field: 60 is out of range 0-59"),
        ("* 24 * * *", "hour field: 24 is out of range 0-23"),
        ("* * 0 * *", "day-of-month field: 0 is out of range 1-31"),
        ("* * * 13 *", "month field: 13 is out of range 1-12"),
        ("* * * * 8", "day-of-week field: 8 is out of range 0-7"),
        ("30-10 * * * *", 'minute field: range "30-10" is reversed'),
        ("*/0 * * * *", "minute field: step 0 is out of range 1-60"),
        ("*/61 * * * *", "minute field: step 61 is out of range 1-60"),
        ("5/15 * * * *", "minute field: a step needs * or a range before it, as in */15"),
        ("mon * * * *", 'minute field: names such as "mon" are only allowed in month, day-of-week'),
        ("* * * * fri-mon", 'day-of-week field: range "fri-mon" is reversed'),
        ("* * * foo *", 'month field: "foo" is not a month name'),
        ("1,,2 * * * *", 'minute field: "" is not a value, range, list or step'),
        ("@daily", "expected 5 fields separated by single spaces: minute hour day-of-month month day-of-week"),
    ],
)
def test_cron_problems_name_the_field(expression: str, reason: str):
    assert cron_problems(expression) == [reason]
    assert not is_valid("sync_schedule", cron(expression))


def test_sync_schedule_problems_drop_the_union_tag():
    assert problems("sync_schedule", schedule(mode="interval", interval_minutes=4)) == [
        "$.interval_minutes: Input should be greater than or equal to 5"
    ]


def test_sync_schedule_root_model_round_trips():
    document = cron("0 3 * * *")
    assert SyncSchedule.model_validate(document).model_dump() == document
