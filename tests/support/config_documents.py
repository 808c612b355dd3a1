"""Hypothesis strategies for field_mappings and sync_schedule documents.

Valid documents, and near-valid mutations of them: one rule broken at a time
(a wrong type, an extra or missing key, a boundary value, a bad cron field, a
bad time zone, a duplicate target, the size caps), plus arbitrary JSON. Every
string is storable in jsonb: no NUL and no lone surrogate, which PostgreSQL
refuses before any check runs.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import strategies as st

from org_integrations.config_models import (
    IANA_TIMEZONES,
    MAX_DOCUMENT_BYTES,
    MAX_MAPPINGS,
    TRANSFORMS,
    canonical_size,
)

Document = Any
TIMEZONES = sorted(IANA_TIMEZONES)

# Characters jsonb can store: anything but NUL and surrogates.
_STORABLE = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
_PRINTABLE = st.characters(exclude_categories=("Cs", "Cc"))

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(_STORABLE, max_size=12),
)
any_json = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(_STORABLE, max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Values of every JSON type, biased to the confusable ones.
wrong_values = st.one_of(
    st.sampled_from([None, True, False, 0, 1, -1, 1.0, 0.5, "", "1", "true", [], {}, [1], {"a": 1}]),
    any_json,
)

# field_mappings ---------------------------------------------------------------------

# Realistic names are cheap to draw; short arbitrary Unicode text keeps the edges covered.
sources = st.one_of(
    st.sampled_from(["Account.Name", "E-mail (work)", "Ünïcödé 名前", "x", " ", "a" * 255, "😀" * 255, "col[0]"]),
    st.text(_PRINTABLE, min_size=1, max_size=8),
)
targets = st.one_of(
    st.sampled_from(["email", "customer_name", "a", "z9", "x_1", "a" * 63, "city", "eta", "shipment_id"]),
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
)


@st.composite
def mappings(draw: st.DrawFn) -> dict[str, Any]:
    mapping: dict[str, Any] = {"source": draw(sources), "target": draw(targets), "required": draw(st.booleans())}
    if draw(st.booleans()):
        mapping["transform"] = draw(st.sampled_from(TRANSFORMS))
    return mapping


valid_field_mappings = st.lists(mappings(), max_size=6, unique_by=lambda m: m["target"]).map(
    lambda items: {"version": 1, "mappings": items}
)

bad_targets = st.one_of(
    st.sampled_from(
        ["", "Email", "1st", "_x", "e-mail", "e mail", "email\n", "é", "a" * 64, "\uff41", "ema\u0131l", "x.y", "ß"]
    ),
    st.text(_STORABLE, max_size=6),
)
bad_sources = st.one_of(
    st.sampled_from(["", "x" * 256, "é" * 256, "a\nb", "tab\there", "\x7f", "\x1f", "bell\x07"]),
    st.text(_STORABLE, max_size=6),
)
ok_sources = st.sampled_from(["x" * 255, "é" * 255, "名" * 255, " ", "\u0085", "\u200b", "a b"])
ok_targets = st.sampled_from(["a" * 63, "a", "z9", "a_", "snake_case_name"])


@st.composite
def near_field_mappings(draw: st.DrawFn) -> Document:
    doc = copy.deepcopy(draw(valid_field_mappings))
    items = doc["mappings"]
    if not items:
        items.append(draw(mappings()))
    index = draw(st.integers(0, len(items) - 1))
    item = items[index]
    choice = draw(st.integers(0, 17))
    if choice == 0:
        doc[draw(st.sampled_from(["version", "mappings"]))] = draw(wrong_values)
    elif choice == 1:
        key = draw(st.sampled_from(["source", "target", "required", "transform"]))
        item[key] = draw(wrong_values)
    elif choice == 2:
        doc[draw(st.text(_STORABLE, max_size=8).filter(lambda k: k not in doc))] = draw(json_scalars)
    elif choice == 3:
        item[draw(st.text(_STORABLE, max_size=8).filter(lambda k: k not in item))] = draw(json_scalars)
    elif choice == 4:
        del doc[draw(st.sampled_from(["version", "mappings"]))]
    elif choice == 5:
        item.pop(draw(st.sampled_from(["source", "target", "required", "transform"])), None)
    elif choice == 6:
        doc["version"] = draw(st.sampled_from([0, 2, -1, 1.0, 1.5, "1", True, None, 10**20]))
    elif choice == 7:
        items.append({**draw(mappings()), "target": item["target"]})
    elif choice == 8:
        item["source"] = draw(bad_sources)
    elif choice == 9:
        item["source"] = draw(ok_sources)
    elif choice == 10:
        item["target"] = draw(bad_targets)
    elif choice == 11:
        item["target"] = draw(ok_targets)
    elif choice == 12:
        item["transform"] = draw(st.sampled_from([None, "Trim", "TRIM", "strip", "", "to_json", 1, ["trim"], " trim"]))
    elif choice == 13:
        item["required"] = draw(st.sampled_from([0, 1, "true", "false", None, 1.0]))
    elif choice == 14:
        items[index] = draw(wrong_values)
    elif choice == 15:
        doc["mappings"] = draw(st.sampled_from([None, {}, "[]", 0, [[]]]))
    elif choice == 16:
        count = draw(st.sampled_from([MAX_MAPPINGS, MAX_MAPPINGS + 1]))
        doc["mappings"] = [{"source": f"s{n}", "target": f"t{n}", "required": False} for n in range(count)]
    else:
        doc = draw(sized_field_mappings())
    return doc


def document_of_size(goal: int, wide: str = "x") -> dict[str, Any]:
    """A field_mappings document, valid but for its size, of exactly `goal` bytes in jsonb text form."""
    items: list[dict[str, Any]] = []
    doc = {"version": 1, "mappings": items}

    def size() -> int:
        return canonical_size(doc) or 0

    # Long sources of `wide` characters up to about 400 bytes short of the goal...
    while size() <= goal - 400:
        items.append({"source": wide * 255, "target": f"t{len(items)}", "required": True})
    if size() > goal - 400:
        items.pop()
    # ...then ASCII sources, the last one cut to the byte.
    while True:
        items.append({"source": "", "target": f"t{len(items)}", "required": True})
        room = goal - size()
        if room <= 255:
            items[-1]["source"] = "x" * room
            break
        items[-1]["source"] = "x" * min(255, room - 128)
    assert size() == goal, (size(), goal)
    return doc


@st.composite
def sized_field_mappings(draw: st.DrawFn) -> Document:
    """64 KiB minus one byte, exactly 64 KiB, or one byte more, with 1- to 4-byte characters."""
    goal = MAX_DOCUMENT_BYTES + draw(st.sampled_from([-1, 0, 1]))
    return document_of_size(goal, draw(st.sampled_from(["x", "é", "名", "😀"])))


# sync_schedule ----------------------------------------------------------------------

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
# (lowest, highest, largest step, names and their first value)
_FIELDS = [(0, 59, 60, None), (0, 23, 24, None), (1, 31, 31, None), (1, 12, 12, (_MONTHS, 1)), (0, 7, 7, (_DAYS, 0))]


@st.composite
def cron_value(draw: st.DrawFn, field: int, low: int | None = None) -> tuple[int, str]:
    lowest, highest, _, names = _FIELDS[field]
    value = draw(st.integers(max(lowest, low if low is not None else lowest), highest))
    text = str(value)
    if names and draw(st.booleans()):
        words, first = names
        if 0 <= value - first < len(words):
            word = words[value - first]
            text = draw(st.sampled_from([word, word.upper(), word.capitalize()]))
    elif value < 10 and draw(st.integers(0, 4)) == 0:
        text = f"0{value}"
    return value, text


@st.composite
def cron_item(draw: st.DrawFn, field: int) -> str:
    span = _FIELDS[field][2]
    kind = draw(st.integers(0, 3))
    step = f"/{draw(st.integers(1, span))}" if draw(st.booleans()) else ""
    if kind == 0:
        return "*" + step
    low, low_text = draw(cron_value(field))
    if kind == 1:
        return low_text
    _, high_text = draw(cron_value(field, low=low))
    return f"{low_text}-{high_text}" + step


@st.composite
def cron_expressions(draw: st.DrawFn) -> str:
    fields = []
    for field in range(5):
        if draw(st.integers(0, 2)) == 0:
            fields.append("*")
        else:
            fields.append(",".join(draw(st.lists(cron_item(field), min_size=1, max_size=3))))
    return " ".join(fields)


valid_sync_schedules = st.one_of(
    st.fixed_dictionaries(
        {
            "version": st.just(1),
            "mode": st.just("manual"),
            "timezone": st.sampled_from(TIMEZONES),
            "enabled": st.booleans(),
        }
    ),
    st.fixed_dictionaries(
        {
            "version": st.just(1),
            "mode": st.just("interval"),
            "interval_minutes": st.integers(5, 10080),
            "timezone": st.sampled_from(TIMEZONES),
            "enabled": st.booleans(),
        }
    ),
    st.fixed_dictionaries(
        {
            "version": st.just(1),
            "mode": st.just("cron"),
            "cron": cron_expressions(),
            "timezone": st.sampled_from(TIMEZONES),
            "enabled": st.booleans(),
        }
    ),
)

bad_cron_tokens = st.sampled_from(
    [
        "60",
        "24",
        "0",
        "32",
        "13",
        "8",
        "-1",
        "100",
        "*/0",
        "*/61",
        "*/25",
        "*/32",
        "*/13",
        "*/8",
        "5/2",
        "a-b",
        "mon",
        "jan",
        "1-",
        "-",
        ",",
        "1,,2",
        "*/",
        "**",
        "L",
        "?",
        "1-5/0",
        "5-1",
        "fri-mon",
        "dec-jan",
        "٣",
        "\uff11",
        "\u017fun",
        "monday",
        "janu",
        "00-",
        "1-2-3",
        "1/2/3",
        "*/1/2",
        "*-5",
        "#",
        "5W",
        "",
        " ",
        "\t",
        "*/07",
        "007",
        "1-007",
        "59-0",
        "sat-sun",
        "7-0",
        "0-7/8",
        "JAN-FEB/13",
        "Sun",
        "SUN-SAT",
    ]
)


@st.composite
def near_cron(draw: st.DrawFn) -> str:
    fields = draw(cron_expressions()).split(" ")
    choice = draw(st.integers(0, 3))
    if choice <= 1:
        fields[draw(st.integers(0, 4))] = draw(bad_cron_tokens)
        return " ".join(fields)
    if choice == 2:
        return draw(
            st.sampled_from(
                [
                    " ".join(fields[:4]),
                    " ".join([*fields, "*"]),
                    "  ".join(fields),
                    "\t".join(fields),
                    " " + " ".join(fields),
                    " ".join(fields) + " ",
                    " ".join(fields) + "\n",
                    "@daily",
                    "",
                    "* * * * * " + "*" * 300,
                ]
            )
        )
    return draw(st.text(st.sampled_from("0123456789*/,- abcjanmonMON"), max_size=20))


bad_timezones = st.one_of(
    st.sampled_from(
        [
            "",
            "utc",
            "UTC ",
            " UTC",
            "europe/paris",
            "EUROPE/PARIS",
            "posix/Europe/Paris",
            "right/UTC",
            "localtime",
            "posixrules",
            "Factory",
            "Etc/GMT+15",
            "+03:00",
            "GMT+3",
            "Mars/Olympus",
            "Europe/Paris\n",
            "Europe//Paris",
        ]
    ),
    st.text(_STORABLE, max_size=12),
)
ok_timezones = st.sampled_from(["UTC", "EST5EDT", "Etc/GMT-14", "America/Argentina/ComodRivadavia", "Zulu"])


@st.composite
def near_sync_schedules(draw: st.DrawFn) -> Document:
    doc = copy.deepcopy(draw(valid_sync_schedules))
    mode = doc["mode"]
    choice = draw(st.integers(0, 13))
    if choice == 0:
        doc[draw(st.sampled_from(sorted(doc)))] = draw(wrong_values)
    elif choice == 1:
        doc[draw(st.text(_STORABLE, max_size=8).filter(lambda k: k not in doc))] = draw(json_scalars)
    elif choice == 2:
        del doc[draw(st.sampled_from(sorted(doc)))]
    elif choice == 3:
        doc["version"] = draw(st.sampled_from([0, 2, 1.0, "1", True, None]))
    elif choice == 4:
        doc["mode"] = draw(st.sampled_from(["Manual", "CRON", "hourly", "", None, 1, "interval", "cron", "manual"]))
    elif choice == 5:
        doc["interval_minutes"] = draw(
            st.one_of(
                st.sampled_from([4, 5, 10080, 10081, 0, -5, 60.0, 5.5, "60", True, None, 10**6, 99999, 100000]),
                st.integers(-20, 20000),
            )
        )
    elif choice == 6:
        doc["cron"] = draw(st.one_of(near_cron(), cron_expressions()))
    elif choice == 7:
        doc["timezone"] = draw(bad_timezones)
    elif choice == 8:
        doc["timezone"] = draw(ok_timezones)
    elif choice == 9:
        doc["enabled"] = draw(st.sampled_from([0, 1, "true", None, 1.0, []]))
    elif choice == 10:
        # The other modes' keys, present or swapped.
        if mode != "interval":
            doc["interval_minutes"] = 60
        if mode != "cron" and draw(st.booleans()):
            doc["cron"] = "* * * * *"
        if mode != "manual" and draw(st.booleans()):
            doc["mode"] = "manual"
    elif choice == 11:
        doc["x"] = "y" * draw(st.sampled_from([65400, 65600, 70000]))
    elif choice == 12:
        doc["cron"] = draw(near_cron())
        doc["mode"] = "cron"
        doc.pop("interval_minutes", None)
    else:
        doc = draw(any_json)
    return doc


# Both columns -------------------------------------------------------------------------

field_mappings_documents = st.one_of(valid_field_mappings, near_field_mappings(), near_field_mappings(), any_json)
sync_schedule_documents = st.one_of(
    valid_sync_schedules, near_sync_schedules(), near_sync_schedules(), near_sync_schedules()
)
documents = st.one_of(
    st.tuples(st.just("field_mappings"), field_mappings_documents),
    st.tuples(st.just("sync_schedule"), sync_schedule_documents),
)


def has_float(document: Document) -> bool:
    if isinstance(document, float):
        return True
    if isinstance(document, dict):
        return any(has_float(v) for v in document.values())
    if isinstance(document, list):
        return any(has_float(v) for v in document)
    return False


def as_json(document: Document) -> str:
    return json.dumps(document, ensure_ascii=False, allow_nan=False)
