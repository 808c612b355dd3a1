"""Differential test: the database validators and the pydantic models agree on every document.

Hypothesis generates batches of documents for both columns (valid ones and
near-valid mutations, see config_documents.py); each batch goes to the database
in one call as a jsonb array. For every document:

- private.<column>_is_valid (what the CHECK constraint calls) and the strict
  pydantic model accept or reject it alike;
- the public problem list is empty exactly when the validator accepts;
- for documents without floats, the database's octet_length(doc::text) equals
  config_models.canonical_size (the 64 KiB rule measures the same bytes).

At least MIN_DOCUMENTS documents per run, with both outcomes well represented.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from org_integrations import config_models
from org_integrations.config_models import MAX_DOCUMENT_BYTES
from support import config_documents as docs

MIN_DOCUMENTS = 2000
BATCH = 80
EXAMPLES = int(os.environ.get("CONFIG_DIFFERENTIAL_BATCHES", "40"))  # batches of BATCH: 3,200 documents by default

CHECK_SQL = """
select
    case d.value ->> 0
        when 'field_mappings' then private.field_mappings_is_valid(d.value -> 1)
        else private.sync_schedule_is_valid(d.value -> 1)
    end,
    pg_catalog.cardinality(
        case d.value ->> 0
            when 'field_mappings' then public.field_mappings_problems((d.value -> 1)::json)
            else public.sync_schedule_problems((d.value -> 1)::json)
        end
    ),
    pg_catalog.octet_length((d.value -> 1)::text)
from pg_catalog.jsonb_array_elements(%s::jsonb) with ordinality as d (value, n)
order by d.n
"""


def check_batch(conn: psycopg.Connection, batch: list[tuple[str, object]], seen: Counter[str]) -> None:
    rows = conn.execute(CHECK_SQL, [json.dumps(batch, ensure_ascii=False, allow_nan=False)]).fetchall()
    assert len(rows) == len(batch)
    for (column, document), (db_valid, db_problems, db_bytes) in zip(batch, rows, strict=True):
        text = docs.as_json(document)
        python_valid = config_models.is_valid(column, text)
        context = f"{column} document {text[:500]}"
        assert db_valid == python_valid, f"database says {db_valid}, pydantic says {python_valid}: {context}"
        assert (db_problems == 0) == db_valid, f"problem list disagrees with the validator: {context}"
        # Python objects and JSON text are held to the same rules.
        assert config_models.is_valid(column, document) == python_valid, f"object vs JSON mode: {context}"
        assert (config_models.problems(column, text) == []) == python_valid, f"python problems: {context}"
        if not docs.has_float(document):
            assert db_bytes == config_models.canonical_size(document), f"document size: {context}"
        seen[f"{column} {'accepted' if db_valid else 'rejected'}"] += 1


@pytest.fixture
def conn(db_url: str):
    with psycopg.connect(db_url, autocommit=True) as connection:
        yield connection


def test_database_and_models_agree(conn: psycopg.Connection) -> None:
    seen: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )
    @given(st.lists(docs.documents, min_size=BATCH, max_size=BATCH))
    def agree(batch: list[tuple[str, object]]) -> None:
        check_batch(conn, batch, seen)

    agree()
    total = sum(seen.values())
    print(f"differential: {total} documents checked, {dict(sorted(seen.items()))}")
    assert total >= MIN_DOCUMENTS
    for column in ("field_mappings", "sync_schedule"):
        assert seen[f"{column} accepted"] >= 200, seen
        assert seen[f"{column} rejected"] >= 200, seen


# Hand-picked edge cases, always checked, whatever Hypothesis draws.
EDGE_CASES: list[tuple[str, object]] = [
    ("field_mappings", {"version": 1, "mappings": []}),
    ("field_mappings", {"version": 1.0, "mappings": []}),
    ("field_mappings", {"version": True, "mappings": []}),
    (
        "field_mappings",
        {"version": 1, "mappings": [{"source": "a", "target": "b", "required": True, "transform": None}]},
    ),
    ("field_mappings", {"version": 1, "mappings": [{"source": "a\u0085", "target": "b", "required": True}]}),
    ("field_mappings", {"version": 1, "mappings": [{"source": "a", "target": "b\n", "required": True}]}),
    ("field_mappings", {"version": 1, "mappings": [{"source": "a", "target": "a" * 63, "required": False}]}),
    ("field_mappings", {"version": 1, "mappings": [{"source": "a", "target": "a" * 64, "required": False}]}),
    ("field_mappings", {"version": 1, "mappings": [{"source": "😀" * 255, "target": "a", "required": False}]}),
    ("field_mappings", {"version": 1, "mappings": [{"source": "😀" * 256, "target": "a", "required": False}]}),
    ("sync_schedule", {"version": 1, "mode": "manual", "timezone": "UTC", "enabled": False}),
    ("sync_schedule", {"version": 1, "mode": "interval", "interval_minutes": 5, "timezone": "UTC", "enabled": True}),
    ("sync_schedule", {"version": 1, "mode": "interval", "interval_minutes": 4, "timezone": "UTC", "enabled": True}),
    ("sync_schedule", {"version": 1, "mode": "interval", "interval_minutes": 10080, "timezone": "UTC", "enabled": 1}),
    (
        "sync_schedule",
        {"version": 1, "mode": "interval", "interval_minutes": 10081, "timezone": "UTC", "enabled": True},
    ),
    ("sync_schedule", {"version": 1, "mode": "interval", "interval_minutes": 60.0, "timezone": "UTC", "enabled": True}),
    *[
        ("sync_schedule", {"version": 1, "mode": "cron", "cron": cron, "timezone": "UTC", "enabled": True})
        for cron in [
            "* * * * *",
            "0 0 1 1 0",
            "59 23 31 12 7",
            "*/60 */24 */31 */12 */7",
            "*/61 * * * *",
            "0-59/60 * * * *",
            "00 00 01 01 00",
            "000 * * * *",
            "5/5 * * * *",
            "1-1 * * * *",
            "2-1 * * * *",
            "* * * JAN-dec SUN-sat",
            "* * * * sat-sun",
            "* * * * 7-7",
            "* * * * 0-7/7",
            "* * * * \u017fun",
            "* * * * SUN",
            "* * * mon *",
            "* * * * jan",
            "mon * * * *",
            "* * * * *\n",
            " * * * * *",
            "* * * * * ",
            "*\t* * * *",
            "1,2,3 * * * *",
            "1,,3 * * * *",
            ",1 * * * *",
            "1, * * * *",
            "٣ * * * *",
            "* * * * 1-5/2",
            "* * * * 1-5/8",
            "*/1 * * * *",
        ]
    ],
    ("sync_schedule", {"version": 1, "mode": "manual", "timezone": "EST5EDT", "enabled": True}),
    ("sync_schedule", {"version": 1, "mode": "manual", "timezone": "posix/UTC", "enabled": True}),
    ("sync_schedule", {"version": 1, "mode": "manual", "timezone": "localtime", "enabled": True}),
    ("sync_schedule", {"version": 1, "mode": "manual", "timezone": "Factory", "enabled": True}),
    ("sync_schedule", {"version": 1, "mode": "manual", "timezone": "utc", "enabled": True}),
    *[
        ("field_mappings", docs.document_of_size(MAX_DOCUMENT_BYTES + extra, wide))
        for extra in (0, 1)
        for wide in ("x", "é", "😀")
    ],
]


def test_edge_cases_agree(conn: psycopg.Connection) -> None:
    seen: Counter[str] = Counter()
    check_batch(conn, EDGE_CASES, seen)
    assert sum(seen.values()) == len(EDGE_CASES)
