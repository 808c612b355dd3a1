"""The package's public surface is deliberate: __all__ lists it, and it ships its type information and data."""

from __future__ import annotations

from importlib import resources

import org_integrations


def test_every_public_name_is_exported():
    missing = [name for name in org_integrations.__all__ if not hasattr(org_integrations, name)]
    assert missing == []
    assert len(set(org_integrations.__all__)) == len(org_integrations.__all__)


def test_package_ships_py_typed_and_the_time_zone_data():
    files = resources.files("org_integrations")
    assert files.joinpath("py.typed").is_file()
    assert "Europe/Paris" in files.joinpath("data/iana_timezones.txt").read_text(encoding="utf-8")
    assert "Europe/Paris" in org_integrations.IANA_TIMEZONES
