"""The time zone list of the Python models is the database's snapshot of pg_timezone_names.

20261127200000_iana_timezone_snapshot.sql copies the zone names into an
immutable function when it runs; config_models.IANA_TIMEZONES is loaded from
a committed copy shipped as package data, data/iana_timezones.txt. If this
test fails after a tzdata upgrade, refresh both (see
docs/integration-config.md, "Time zones").
"""

from __future__ import annotations

import psycopg

from org_integrations.config_models import IANA_TIMEZONES


def test_python_zones_equal_the_database_snapshot(db_url: str):
    with psycopg.connect(db_url) as conn:
        accepted = {
            name
            for (name,) in conn.execute(
                "select tz.name from pg_catalog.pg_timezone_names as tz where private.is_iana_timezone(tz.name)"
            )
        }
        rejected_by_db = [
            name
            for name, ok in conn.execute(
                "select z.name, private.is_iana_timezone(z.name) from pg_catalog.unnest(%s::text[]) as z (name)",
                [sorted(IANA_TIMEZONES)],
            )
            if not ok
        ]
    assert rejected_by_db == []
    assert accepted == IANA_TIMEZONES


def test_snapshot_leaves_out_the_tzdata_artefacts(db_url: str):
    with psycopg.connect(db_url) as conn:
        row = conn.execute(
            "select private.is_iana_timezone('posix/Europe/Paris'), private.is_iana_timezone('right/UTC'), "
            "private.is_iana_timezone('localtime'), private.is_iana_timezone('Europe/Paris')"
        ).fetchone()
    assert row == (False, False, False, True)
    assert "Europe/Paris" in IANA_TIMEZONES
    assert not {"localtime", "posixrules", "Factory"} & IANA_TIMEZONES
