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

# IANA zone names accepted in sync_schedule.timezone: pg_timezone_names of
# PostgreSQL 15 on Debian 12 (tzdata 2025b) minus posix/*, right/*, localtime,
# posixrules and Factory, exactly what 20261127200000_iana_timezone_snapshot.sql
# keeps. tests/config_integrity/test_timezones.py compares this list with the
# database's snapshot. Refresh it with `python -m org_integrations.config_models --print-timezones URL`.
IANA_TIMEZONES: frozenset[str] = frozenset(
    """
Africa/Abidjan Africa/Accra Africa/Addis_Ababa Africa/Algiers Africa/Asmara Africa/Asmera Africa/Bamako
Africa/Bangui Africa/Banjul Africa/Bissau Africa/Blantyre Africa/Brazzaville Africa/Bujumbura Africa/Cairo
Africa/Casablanca Africa/Ceuta Africa/Conakry Africa/Dakar Africa/Dar_es_Salaam Africa/Djibouti Africa/Douala
Africa/El_Aaiun Africa/Freetown Africa/Gaborone Africa/Harare Africa/Johannesburg Africa/Juba Africa/Kampala
Africa/Khartoum Africa/Kigali Africa/Kinshasa Africa/Lagos Africa/Libreville Africa/Lome Africa/Luanda
Africa/Lubumbashi Africa/Lusaka Africa/Malabo Africa/Maputo Africa/Maseru Africa/Mbabane Africa/Mogadishu
Africa/Monrovia Africa/Nairobi Africa/Ndjamena Africa/Niamey Africa/Nouakchott Africa/Ouagadougou
Africa/Porto-Novo Africa/Sao_Tome Africa/Timbuktu Africa/Tripoli Africa/Tunis Africa/Windhoek America/Adak
America/Anchorage America/Anguilla America/Antigua America/Araguaina America/Argentina/Buenos_Aires
America/Argentina/Catamarca America/Argentina/ComodRivadavia America/Argentina/Cordoba America/Argentina/Jujuy
America/Argentina/La_Rioja America/Argentina/Mendoza America/Argentina/Rio_Gallegos America/Argentina/Salta
America/Argentina/San_Juan America/Argentina/San_Luis America/Argentina/Tucuman America/Argentina/Ushuaia
America/Aruba America/Asuncion America/Atikokan America/Atka America/Bahia America/Bahia_Banderas
America/Barbados America/Belem America/Belize America/Blanc-Sablon America/Boa_Vista America/Bogota
America/Boise America/Buenos_Aires America/Cambridge_Bay America/Campo_Grande America/Cancun America/Caracas
America/Catamarca America/Cayenne America/Cayman America/Chicago America/Chihuahua America/Ciudad_Juarez
America/Coral_Harbour America/Cordoba America/Costa_Rica America/Coyhaique America/Creston America/Cuiaba
America/Curacao America/Danmarkshavn America/Dawson America/Dawson_Creek America/Denver America/Detroit
America/Dominica America/Edmonton America/Eirunepe America/El_Salvador America/Ensenada America/Fort_Nelson
America/Fort_Wayne America/Fortaleza America/Glace_Bay America/Godthab America/Goose_Bay America/Grand_Turk
America/Grenada America/Guadeloupe America/Guatemala America/Guayaquil America/Guyana America/Halifax
America/Havana America/Hermosillo America/Indiana/Indianapolis America/Indiana/Knox America/Indiana/Marengo
America/Indiana/Petersburg America/Indiana/Tell_City America/Indiana/Vevay America/Indiana/Vincennes
America/Indiana/Winamac America/Indianapolis America/Inuvik America/Iqaluit America/Jamaica America/Jujuy
America/Juneau America/Kentucky/Louisville America/Kentucky/Monticello America/Knox_IN America/Kralendijk
America/La_Paz America/Lima America/Los_Angeles America/Louisville America/Lower_Princes America/Maceio
America/Managua America/Manaus America/Marigot America/Martinique America/Matamoros America/Mazatlan
America/Mendoza America/Menominee America/Merida America/Metlakatla America/Mexico_City America/Miquelon
America/Moncton America/Monterrey America/Montevideo America/Montreal America/Montserrat America/Nassau
America/New_York America/Nipigon America/Nome America/Noronha America/North_Dakota/Beulah
America/North_Dakota/Center America/North_Dakota/New_Salem America/Nuuk America/Ojinaga America/Panama
America/Pangnirtung America/Paramaribo America/Phoenix America/Port-au-Prince America/Port_of_Spain
America/Porto_Acre America/Porto_Velho America/Puerto_Rico America/Punta_Arenas America/Rainy_River
America/Rankin_Inlet America/Recife America/Regina America/Resolute America/Rio_Branco America/Rosario
America/Santa_Isabel America/Santarem America/Santiago America/Santo_Domingo America/Sao_Paulo
America/Scoresbysund America/Shiprock America/Sitka America/St_Barthelemy America/St_Johns America/St_Kitts
America/St_Lucia America/St_Thomas America/St_Vincent America/Swift_Current America/Tegucigalpa America/Thule
America/Thunder_Bay America/Tijuana America/Toronto America/Tortola America/Vancouver America/Virgin
America/Whitehorse America/Winnipeg America/Yakutat America/Yellowknife Antarctica/Casey Antarctica/Davis
Antarctica/DumontDUrville Antarctica/Macquarie Antarctica/Mawson Antarctica/McMurdo Antarctica/Palmer
Antarctica/Rothera Antarctica/South_Pole Antarctica/Syowa Antarctica/Troll Antarctica/Vostok Arctic/Longyearbyen
Asia/Aden Asia/Almaty Asia/Amman Asia/Anadyr Asia/Aqtau Asia/Aqtobe Asia/Ashgabat Asia/Ashkhabad Asia/Atyrau
Asia/Baghdad Asia/Bahrain Asia/Baku Asia/Bangkok Asia/Barnaul Asia/Beirut Asia/Bishkek Asia/Brunei Asia/Calcutta
Asia/Chita Asia/Choibalsan Asia/Chongqing Asia/Chungking Asia/Colombo Asia/Dacca Asia/Damascus Asia/Dhaka
Asia/Dili Asia/Dubai Asia/Dushanbe Asia/Famagusta Asia/Gaza Asia/Harbin Asia/Hebron Asia/Ho_Chi_Minh
Asia/Hong_Kong Asia/Hovd Asia/Irkutsk Asia/Istanbul Asia/Jakarta Asia/Jayapura Asia/Jerusalem Asia/Kabul
Asia/Kamchatka Asia/Karachi Asia/Kashgar Asia/Kathmandu Asia/Katmandu Asia/Khandyga Asia/Kolkata
Asia/Krasnoyarsk Asia/Kuala_Lumpur Asia/Kuching Asia/Kuwait Asia/Macao Asia/Macau Asia/Magadan Asia/Makassar
Asia/Manila Asia/Muscat Asia/Nicosia Asia/Novokuznetsk Asia/Novosibirsk Asia/Omsk Asia/Oral Asia/Phnom_Penh
Asia/Pontianak Asia/Pyongyang Asia/Qatar Asia/Qostanay Asia/Qyzylorda Asia/Rangoon Asia/Riyadh Asia/Saigon
Asia/Sakhalin Asia/Samarkand Asia/Seoul Asia/Shanghai Asia/Singapore Asia/Srednekolymsk Asia/Taipei
Asia/Tashkent Asia/Tbilisi Asia/Tehran Asia/Tel_Aviv Asia/Thimbu Asia/Thimphu Asia/Tokyo Asia/Tomsk
Asia/Ujung_Pandang Asia/Ulaanbaatar Asia/Ulan_Bator Asia/Urumqi Asia/Ust-Nera Asia/Vientiane Asia/Vladivostok
Asia/Yakutsk Asia/Yangon Asia/Yekaterinburg Asia/Yerevan Atlantic/Azores Atlantic/Bermuda Atlantic/Canary
Atlantic/Cape_Verde Atlantic/Faeroe Atlantic/Faroe Atlantic/Jan_Mayen Atlantic/Madeira Atlantic/Reykjavik
Atlantic/South_Georgia Atlantic/St_Helena Atlantic/Stanley Australia/ACT Australia/Adelaide Australia/Brisbane
Australia/Broken_Hill Australia/Canberra Australia/Currie Australia/Darwin Australia/Eucla Australia/Hobart
Australia/LHI Australia/Lindeman Australia/Lord_Howe Australia/Melbourne Australia/NSW Australia/North
Australia/Perth Australia/Queensland Australia/South Australia/Sydney Australia/Tasmania Australia/Victoria
Australia/West Australia/Yancowinna Brazil/Acre Brazil/DeNoronha Brazil/East Brazil/West CET CST6CDT
Canada/Atlantic Canada/Central Canada/Eastern Canada/Mountain Canada/Newfoundland Canada/Pacific
Canada/Saskatchewan Canada/Yukon Chile/Continental Chile/EasterIsland Cuba EET EST EST5EDT Egypt Eire Etc/GMT
Etc/GMT+0 Etc/GMT+1 Etc/GMT+10 Etc/GMT+11 Etc/GMT+12 Etc/GMT+2 Etc/GMT+3 Etc/GMT+4 Etc/GMT+5 Etc/GMT+6 Etc/GMT+7
Etc/GMT+8 Etc/GMT+9 Etc/GMT-0 Etc/GMT-1 Etc/GMT-10 Etc/GMT-11 Etc/GMT-12 Etc/GMT-13 Etc/GMT-14 Etc/GMT-2
Etc/GMT-3 Etc/GMT-4 Etc/GMT-5 Etc/GMT-6 Etc/GMT-7 Etc/GMT-8 Etc/GMT-9 Etc/GMT0 Etc/Greenwich Etc/UCT Etc/UTC
Etc/Universal Etc/Zulu Europe/Amsterdam Europe/Andorra Europe/Astrakhan Europe/Athens Europe/Belfast
Europe/Belgrade Europe/Berlin Europe/Bratislava Europe/Brussels Europe/Bucharest Europe/Budapest Europe/Busingen
Europe/Chisinau Europe/Copenhagen Europe/Dublin Europe/Gibraltar Europe/Guernsey Europe/Helsinki
Europe/Isle_of_Man Europe/Istanbul Europe/Jersey Europe/Kaliningrad Europe/Kiev Europe/Kirov Europe/Kyiv
Europe/Lisbon Europe/Ljubljana Europe/London Europe/Luxembourg Europe/Madrid Europe/Malta Europe/Mariehamn
Europe/Minsk Europe/Monaco Europe/Moscow Europe/Nicosia Europe/Oslo Europe/Paris Europe/Podgorica Europe/Prague
Europe/Riga Europe/Rome Europe/Samara Europe/San_Marino Europe/Sarajevo Europe/Saratov Europe/Simferopol
Europe/Skopje Europe/Sofia Europe/Stockholm Europe/Tallinn Europe/Tirane Europe/Tiraspol Europe/Ulyanovsk
Europe/Uzhgorod Europe/Vaduz Europe/Vatican Europe/Vienna Europe/Vilnius Europe/Volgograd Europe/Warsaw
Europe/Zagreb Europe/Zaporozhye Europe/Zurich GB GB-Eire GMT GMT+0 GMT-0 GMT0 Greenwich HST Hongkong Iceland
Indian/Antananarivo Indian/Chagos Indian/Christmas Indian/Cocos Indian/Comoro Indian/Kerguelen Indian/Mahe
Indian/Maldives Indian/Mauritius Indian/Mayotte Indian/Reunion Iran Israel Jamaica Japan Kwajalein Libya MET MST
MST7MDT Mexico/BajaNorte Mexico/BajaSur Mexico/General NZ NZ-CHAT Navajo PRC PST8PDT Pacific/Apia
Pacific/Auckland Pacific/Bougainville Pacific/Chatham Pacific/Chuuk Pacific/Easter Pacific/Efate
Pacific/Enderbury Pacific/Fakaofo Pacific/Fiji Pacific/Funafuti Pacific/Galapagos Pacific/Gambier
Pacific/Guadalcanal Pacific/Guam Pacific/Honolulu Pacific/Johnston Pacific/Kanton Pacific/Kiritimati
Pacific/Kosrae Pacific/Kwajalein Pacific/Majuro Pacific/Marquesas Pacific/Midway Pacific/Nauru Pacific/Niue
Pacific/Norfolk Pacific/Noumea Pacific/Pago_Pago Pacific/Palau Pacific/Pitcairn Pacific/Pohnpei Pacific/Ponape
Pacific/Port_Moresby Pacific/Rarotonga Pacific/Saipan Pacific/Samoa Pacific/Tahiti Pacific/Tarawa
Pacific/Tongatapu Pacific/Truk Pacific/Wake Pacific/Wallis Pacific/Yap Poland Portugal ROC ROK Singapore Turkey
UCT US/Alaska US/Aleutian US/Arizona US/Central US/East-Indiana US/Eastern US/Hawaii US/Indiana-Starke
US/Michigan US/Mountain US/Pacific US/Samoa UTC Universal W-SU WET Zulu
""".split()  # noqa: SIM905 - one compact block, easy to regenerate
)


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


class FieldMapping(BaseModel):
    """One field copied from the provider's record to ours."""

    model_config = _STRICT

    source: SourceField
    target: TargetField
    transform: Transform | SkipJsonSchema[None] = Field(
        default=None,
        description="Optional conversion applied to the value. Omit the key for none; null is not allowed.",
        json_schema_extra=lambda schema: schema.pop("default", None),  # type: ignore[arg-type,misc]
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

    shared = walk(schema)
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
        help="print the database's accepted time zone names, to refresh IANA_TIMEZONES after a tzdata change",
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
