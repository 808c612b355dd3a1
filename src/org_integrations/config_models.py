"""Version 1 schemas of ``organization_integrations.field_mappings`` and ``.sync_schedule``.

Strict pydantic v2 models with the same rules as the database validators in
``supabase/migrations/20261127200100_cron_expression_validator.sql`` and
``20261127200200_integration_config_validators.sql``. The differential test
(``tests/config_integrity/test_differential.py``) feeds both the same generated
documents and requires them to agree on every one. The rules are documented in
``docs/integration-config.md``.

Strict means no coercion: ``"5"`` is not an integer, ``1.0`` and ``true`` are not
the integer 1, ``1`` is not a boolean, unknown keys are errors.

The JSON Schema export of each model is committed under ``schemas/`` next to
this file; ``python -m org_integrations.config_models --check`` fails when it
has drifted, ``--write`` rewrites it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    ValidationError,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

SCHEMA_VERSION = 1
MAX_DOCUMENT_BYTES = 65536
MAX_MAPPINGS = 500
MAX_SOURCE_LENGTH = 255
MAX_TARGET_LENGTH = 63
MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 10080
MAX_CRON_LENGTH = 255

Transform = Literal[
    "trim", "lowercase", "uppercase", "to_integer", "to_number", "to_boolean", "to_date", "to_timestamp"
]
TRANSFORMS: tuple[str, ...] = get_args(Transform)
SyncMode = Literal["manual", "interval", "cron"]

# The safe defaults: the columns' defaults and what the repair resets to.
DEFAULT_FIELD_MAPPINGS: dict[str, Any] = {"version": 1, "mappings": []}
DEFAULT_SYNC_SCHEDULE: dict[str, Any] = {"version": 1, "mode": "manual", "timezone": "UTC", "enabled": False}

SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"


def _load_timezones() -> frozenset[str]:
    """The IANA zone names shipped in data/iana_timezones.txt; lines starting with # are comments."""
    text = resources.files("org_integrations").joinpath("data/iana_timezones.txt").read_text(encoding="utf-8")
    return frozenset(line for line in map(str.strip, text.splitlines()) if line and not line.startswith("#"))


# IANA zone names accepted in sync_schedule.timezone: the database's snapshot of
# pg_timezone_names (20261127200000_iana_timezone_snapshot.sql), kept as package data.
IANA_TIMEZONES: frozenset[str] = _load_timezones()


# Size ---------------------------------------------------------------------------------


def canonical_size(document: Any) -> int | None:
    """Bytes of the document in jsonb's text form (``jsonb::text``), or None if it is not JSON data.

    PostgreSQL prints jsonb with ``", "`` and ``": "`` separators and non-ASCII
    characters unescaped, which is what ``json.dumps`` does with these options.
    The two agree byte for byte on every document whose numbers are integers,
    which every valid document's are.
    """
    try:
        text = json.dumps(document, ensure_ascii=False, separators=(", ", ": "), allow_nan=False)
    except (TypeError, ValueError):
        return None
    return len(text.encode("utf-8", errors="surrogatepass"))


def _check_size(document: Any) -> Any:
    size = canonical_size(document)
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise ValueError(f"document is {size} bytes, the limit is {MAX_DOCUMENT_BYTES}")
    return document


# Cron ---------------------------------------------------------------------------------

_CRON_ITEM = re.compile(r"(?:(\*)|([0-9]{1,2}|[A-Za-z]{3})(?:-([0-9]{1,2}|[A-Za-z]{3}))?)(?:/([0-9]{1,2}))?")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# name, lowest value, highest value, number of values (the largest step), names
_CRON_FIELDS: tuple[tuple[str, int, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, 60, ()),
    ("hour", 0, 23, 24, ()),
    ("day-of-month", 1, 31, 31, ()),
    ("month", 1, 12, 12, _MONTHS),
    ("day-of-week", 0, 7, 7, _DAYS),
)


def _cron_value(token: str, names: tuple[str, ...], offset: int) -> int | None:
    if token.isascii() and token.isdigit():
        return int(token)
    lowered = token.lower()
    return names.index(lowered) + offset if lowered in names else None


def cron_problems(expression: str) -> list[str]:
    """Why a 5-field cron expression is invalid, one reason per entry; empty when valid."""
    if len(expression) > MAX_CRON_LENGTH:
        return [f"cron expression is longer than {MAX_CRON_LENGTH} characters"]
    fields = expression.split(" ")
    if len(fields) != 5 or "" in fields:
        return ["expected 5 fields separated by single spaces: minute hour day-of-month month day-of-week"]
    problems: list[str] = []
    for (name, lowest, highest, span, names), field in zip(_CRON_FIELDS, fields, strict=True):
        label = f"{name} field"
        offset = 1 if names is _MONTHS else 0
        for item in field.split(","):
            match = _CRON_ITEM.fullmatch(item)
            if match is None:
                problems.append(f"{label}: {json.dumps(item)} is not a value, range, list or step")
                continue
            star, first, last, step = match.groups()
            bounds: list[int] = []
            for token in (first, last):
                if token is None:
                    continue
                if not token.isdigit() and not names:
                    problems.append(
                        f"{label}: names such as {json.dumps(token)} are only allowed in month, day-of-week"
                    )
                    continue
                value = _cron_value(token, names, offset)
                if value is None:
                    kind = "month" if names is _MONTHS else "day"
                    problems.append(f"{label}: {json.dumps(token)} is not a {kind} name")
                elif not lowest <= value <= highest:
                    problems.append(f"{label}: {value} is out of range {lowest}-{highest}")
                else:
                    bounds.append(value)
            if len(bounds) == 2 and bounds[0] > bounds[1]:
                problems.append(f"{label}: range {json.dumps(item)} is reversed")
            if step is not None:
                if star is None and last is None:
                    problems.append(f"{label}: a step needs * or a range before it, as in */{int(step)}")
                if not 1 <= int(step) <= span:
                    problems.append(f"{label}: step {int(step)} is out of range 1-{span}")
    return problems


def _check_cron(expression: str) -> str:
    problems = cron_problems(expression)
    if problems:
        raise ValueError("; ".join(problems))
    return expression


def _check_timezone(name: str) -> str:
    if name not in IANA_TIMEZONES:
        raise ValueError(f"{json.dumps(name)} is not an IANA time zone name known to the server")
    return name


# Field types --------------------------------------------------------------------------

Version = Annotated[
    StrictInt,
    Field(description="Schema version. Only 1 exists."),
    AfterValidator(lambda v: v if v == SCHEMA_VERSION else _raise(f"unsupported version {v}, expected 1")),
    WithJsonSchema({"const": SCHEMA_VERSION, "type": "integer", "description": "Schema version. Only 1 exists."}),
]

SourceField = Annotated[
    StrictStr,
    StringConstraints(min_length=1, max_length=MAX_SOURCE_LENGTH, pattern=r"^[^\x00-\x1f\x7f]*$"),
    Field(description="Provider-side field, as the provider names it: 1-255 characters, no control characters."),
]

TargetField = Annotated[
    StrictStr,
    StringConstraints(max_length=MAX_TARGET_LENGTH, pattern=r"^[a-z][a-z0-9_]*$"),
    Field(
        description="Our field: a lowercase letter, then lowercase letters, digits or underscores; at most 63 "
        "characters. Unique within the mappings."
    ),
]

Timezone = Annotated[
    StrictStr,
    AfterValidator(_check_timezone),
    # The schema is _TIMEZONE_SCHEMA, defined below; json_schemas() shares one copy of it.
    WithJsonSchema({"type": "string", "enum": sorted(IANA_TIMEZONES)}),
]

CronExpression = Annotated[
    StrictStr,
    StringConstraints(max_length=MAX_CRON_LENGTH, pattern=r"^[^ ]+ [^ ]+ [^ ]+ [^ ]+ [^ ]+$"),
    AfterValidator(_check_cron),
    Field(
        description="5-field cron expression: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12 or jan-dec) "
        "day-of-week (0-7 or sun-sat, 0 and 7 are Sunday), separated by single spaces. Each field is a list of "
        "items: *, */step, a value, a range a-b (a <= b) or a range with a step a-b/step; 1 <= step <= number of "
        "values of the field. The pattern only checks the five fields; the rest is checked by the validators."
    ),
]


def _raise(message: str) -> Any:
    raise ValueError(message)


# Models -------------------------------------------------------------------------------

_STRICT = ConfigDict(strict=True, extra="forbid", frozen=True)


def _drop_default(schema: dict[str, Any]) -> None:
    """JSON Schema hook: an optional key is omitted, never null, so the schema shows no default."""
    schema.pop("default", None)


class FieldMapping(BaseModel):
    """One field copied from the provider's record to ours."""

    model_config = _STRICT

    source: SourceField
    target: TargetField
    transform: Transform | SkipJsonSchema[None] = Field(
        default=None,
        description="Optional conversion applied to the value. Omit the key for none; null is not allowed.",
        json_schema_extra=_drop_default,
    )
    required: StrictBool = Field(description="Whether a record without this source field is rejected.")

    @field_validator("transform", mode="before")
    @classmethod
    def _transform_not_null(cls, value: Any) -> Any:
        # Runs only when the key is present: omitted means no transform, null is an error.
        if value is None:
            raise ValueError("transform may be omitted but not null")
        return value


class FieldMappings(BaseModel):
    """organization_integrations.field_mappings, version 1: how provider fields map to ours."""

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        frozen=True,
        title="organization_integrations.field_mappings (version 1)",
        json_schema_extra={
            "$comment": f"Also enforced, and not expressible here: targets are unique within mappings; the "
            f"document is at most {MAX_DOCUMENT_BYTES} bytes in jsonb text form.",
        },
    )

    version: Version
    mappings: list[FieldMapping] = Field(max_length=MAX_MAPPINGS, description="At most 500 mappings.")

    @model_validator(mode="before")
    @classmethod
    def _size(cls, data: Any) -> Any:
        return _check_size(data)

    @model_validator(mode="after")
    def _unique_targets(self) -> FieldMappings:
        first_index: dict[str, int] = {}
        for index, mapping in enumerate(self.mappings):
            if mapping.target in first_index:
                raise ValueError(
                    f"$.mappings[{index}].target: duplicate target {json.dumps(mapping.target)}, "
                    f"first used at $.mappings[{first_index[mapping.target]}]"
                )
            first_index[mapping.target] = index
        return self


class _ScheduleBase(BaseModel):
    model_config = _STRICT

    version: Version
    timezone: Timezone
    enabled: StrictBool = Field(description="Whether the schedule runs. A disabled schedule never syncs.")


class ManualSchedule(_ScheduleBase):
    """Syncs only when started by hand."""

    mode: Literal["manual"]


class IntervalSchedule(_ScheduleBase):
    """Syncs every interval_minutes minutes."""

    mode: Literal["interval"]
    interval_minutes: StrictInt = Field(
        ge=MIN_INTERVAL_MINUTES, le=MAX_INTERVAL_MINUTES, description="Minutes between syncs, 5 to 10080 (a week)."
    )


class CronSchedule(_ScheduleBase):
    """Syncs whenever the cron expression matches, read in the schedule's time zone."""

    mode: Literal["cron"]
    cron: CronExpression


class SyncSchedule(RootModel[Annotated[ManualSchedule | IntervalSchedule | CronSchedule, Field(discriminator="mode")]]):
    """organization_integrations.sync_schedule, version 1: when to sync, one shape per mode."""

    model_config = ConfigDict(
        strict=True,
        frozen=True,
        title="organization_integrations.sync_schedule (version 1)",
        json_schema_extra={
            "$comment": f"Also enforced, and not expressible here: cron values, ranges and steps (see cron); the "
            f"document is at most {MAX_DOCUMENT_BYTES} bytes in jsonb text form.",
        },
    )

    @model_validator(mode="before")
    @classmethod
    def _size(cls, data: Any) -> Any:
        return _check_size(data)


# Helpers ------------------------------------------------------------------------------

MODELS: dict[str, type[BaseModel]] = {"field_mappings": FieldMappings, "sync_schedule": SyncSchedule}


def parse(column: str, document: str | bytes | Mapping[str, Any] | Any) -> BaseModel:
    """Validate a document for ``column`` ("field_mappings" or "sync_schedule"); JSON text or parsed data."""
    model = MODELS[column]
    if isinstance(document, str | bytes):
        return model.model_validate_json(document, strict=True)
    return model.model_validate(document, strict=True)


def is_valid(column: str, document: str | bytes | Mapping[str, Any] | Any) -> bool:
    try:
        parse(column, document)
    except ValidationError:
        return False
    return True


def _json_path(location: tuple[int | str, ...]) -> str:
    path = "$"
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", part):
            path += f".{part}"
        else:
            path += f".{json.dumps(part)}"
    return path


def _location(column: str, location: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """A pydantic error location without the parts that are not in the document."""
    parts = list(location)
    if column == "sync_schedule" and parts and parts[0] in get_args(SyncMode):
        parts = parts[1:]  # the discriminated union's tag
    return tuple(p for p in parts if not (isinstance(p, str) and p.startswith(("literal[", "function-"))))


def problems(column: str, document: str | bytes | Mapping[str, Any] | Any) -> list[str]:
    """``"<json path>: <reason>"`` entries like the database's problem lists; empty when valid.

    Accept or reject always agrees with the database; the wording and the
    number of entries may differ.
    """
    try:
        parse(column, document)
    except ValidationError as exc:
        found = []
        for error in exc.errors():
            if error["type"] == "none_required":
                continue  # the None branch of an optional key's union: "omitted" is the other way to be valid
            message = str(error["msg"]).removeprefix("Value error, ")
            # Model-level rules (duplicate targets) carry their own path.
            found.append(
                message if message.startswith("$") else f"{_json_path(_location(column, error['loc']))}: {message}"
            )
        return found
    return []


_TIMEZONE_SCHEMA: dict[str, Any] = {
    "type": "string",
    "description": "IANA time zone name, case-sensitive, from the server's pg_timezone_names.",
    "enum": sorted(IANA_TIMEZONES),
}


def _share_timezone_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace each inline copy of the time zone list with a reference to one definition."""

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node.get("enum") == _TIMEZONE_SCHEMA["enum"] and node.get("type") == "string":
                return {"$ref": "#/$defs/IanaTimezone"}
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    shared: dict[str, Any] = walk(schema)
    if shared != schema:
        shared.setdefault("$defs", {})["IanaTimezone"] = _TIMEZONE_SCHEMA
    return shared


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema (draft 2020-12) of each column's document, keyed by file name."""
    exported = {}
    for column, model in MODELS.items():
        schema = _share_timezone_schema(model.model_json_schema(mode="validation"))
        exported[f"{column}.v{SCHEMA_VERSION}.schema.json"] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"urn:org-integrations:{column}:v{SCHEMA_VERSION}",
            **schema,
        }
    return exported


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export or check the committed JSON Schema files.")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help=f"write the schema files to {SCHEMAS_DIR}")
    action.add_argument("--check", action="store_true", help="exit 1 if a committed schema file is missing or stale")
    action.add_argument(
        "--print-timezones",
        metavar="DB_URL",
        help="print the database's accepted time zone names, to refresh data/iana_timezones.txt after a tzdata change",
    )
    args = parser.parse_args(argv)
    if args.print_timezones:
        import psycopg  # only this option needs a database

        with psycopg.connect(args.print_timezones) as conn:
            rows = conn.execute(
                "select tz.name from pg_catalog.pg_timezone_names as tz "
                "where private.is_iana_timezone(tz.name) order by tz.name"
            ).fetchall()
        print("\n".join(name for (name,) in rows))
        return 0
    stale = []
    for name, schema in json_schemas().items():
        path = SCHEMAS_DIR / name
        if args.write:
            SCHEMAS_DIR.mkdir(parents=True, exist_ok=True)
            path.write_text(render(schema))
            print(f"wrote {path}")
        elif not path.exists() or path.read_text() != render(schema):
            stale.append(name)
    if stale:
        print(f"stale JSON Schema files: {', '.join(stale)}; run python -m org_integrations.config_models --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
