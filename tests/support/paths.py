"""Where things are in the repository."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQL_TESTS = ROOT / "supabase" / "tests"
MIGRATIONS = ROOT / "supabase" / "migrations"
