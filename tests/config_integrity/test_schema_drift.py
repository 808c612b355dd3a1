"""The committed JSON Schema files are exactly what the models export, and they describe the documents."""

from __future__ import annotations

import json

import pytest

from org_integrations import config_models
from org_integrations.config_models import DEFAULT_FIELD_MAPPINGS, DEFAULT_SYNC_SCHEDULE, SCHEMAS_DIR, json_schemas

FILES = sorted(json_schemas())


def test_schema_files_are_the_ones_expected():
    assert FILES == ["field_mappings.v1.schema.json", "sync_schedule.v1.schema.json"]
    assert sorted(p.name for p in SCHEMAS_DIR.glob("*.json")) == FILES


@pytest.mark.parametrize("name", FILES)
def test_committed_schema_matches_the_export(name: str):
    committed = (SCHEMAS_DIR / name).read_text()
    exported = config_models.render(json_schemas()[name])
    assert committed == exported, (
        f"{name} has drifted from the models; run: python -m org_integrations.config_models --write"
    )


def test_check_command_passes(capsys: pytest.CaptureFixture[str]):
    assert config_models.main(["--check"]) == 0
    assert capsys.readouterr().out == ""


def test_check_command_reports_drift(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    for name in FILES:
        (tmp_path / name).write_text((SCHEMAS_DIR / name).read_text())
    stale = json.loads((tmp_path / FILES[0]).read_text())
    stale["title"] = "edited by hand"
    (tmp_path / FILES[0]).write_text(json.dumps(stale))
    monkeypatch.setattr(config_models, "SCHEMAS_DIR", tmp_path)
    assert config_models.main(["--check"]) == 1
    assert FILES[0] in capsys.readouterr().out


@pytest.mark.parametrize(
    ("name", "valid", "invalid"),
    [
        (
            "field_mappings.v1.schema.json",
            [DEFAULT_FIELD_MAPPINGS, {"version": 1, "mappings": [{"source": "a", "target": "b", "required": True}]}],
            [{}, {"version": 2, "mappings": []}, {"version": 1, "mappings": [{"source": "a", "target": "B"}]}],
        ),
        (
            "sync_schedule.v1.schema.json",
            [
                DEFAULT_SYNC_SCHEDULE,
                {"version": 1, "mode": "cron", "cron": "0 3 * * *", "timezone": "Asia/Tokyo", "enabled": True},
            ],
            [
                {"version": 1, "mode": "hourly", "timezone": "UTC", "enabled": True},
                {"version": 1, "mode": "manual", "timezone": "Mars/Olympus", "enabled": True},
                {"version": 1, "mode": "manual", "timezone": "UTC", "enabled": True, "interval_minutes": 5},
            ],
        ),
    ],
)
def test_exported_schema_validates_documents(name: str, valid: list[object], invalid: list[object]):
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((SCHEMAS_DIR / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for document in valid:
        assert validator.is_valid(document), document
    for document in invalid:
        assert not validator.is_valid(document), document
