"""The vault_secret_id migration group of the Vault credential tests: its versions and its rollback."""

from __future__ import annotations

from harness.reset import migration_files
from support.migrations import migrate, version_of
from support.paths import ROOT

# The vault_secret_id group: its first migration, and the rollback named after its last.
GROUP_FIRST = "20261127300100"
GROUP_LAST = "20261127300900"
ROLLBACK = ROOT / "supabase" / "rollbacks" / f"{GROUP_LAST}_list_dangling_credential_references.sql"


def version_before(version: str) -> str:
    """The newest migration version older than ``version``."""
    return max(v for v in map(version_of, migration_files(ROOT)) if v < version)


def group_versions() -> list[str]:
    return [v for v in map(version_of, migration_files(ROOT)) if GROUP_FIRST <= v <= GROUP_LAST]


def migrate_up(url: str, upto: str = GROUP_LAST) -> list[str]:
    """Apply, in order, every migration not yet in schema_migrations (and <= upto), as ``migration up`` does.

    The round trip is tested where the group was the newest release: a rollback
    script undoes the newest group, so later migrations are not applied here.
    """
    return migrate(url, upto=upto)
