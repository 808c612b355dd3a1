"""Users in ``auth.users`` (as GoTrue's email sign-up leaves them), organizations and their members."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import psycopg

_INSERT = (
    "insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, "
    "raw_app_meta_data, raw_user_meta_data, created_at, updated_at) values "
    "('00000000-0000-0000-0000-000000000000', %s, 'authenticated', 'authenticated', %s, '', now(), "
    """'{"provider": "email", "providers": ["email"]}', '{}', now(), now())"""
)


def create_user(conn: psycopg.Connection[Any], user_id: UUID | str, email: str | None = None) -> None:
    """Insert one confirmed email user (run as ``postgres``; the caller commits)."""
    conn.execute(_INSERT, [user_id, email or f"user-{user_id}@test.local"])


def create_org(conn: psycopg.Connection[Any], org_id: UUID | str, name: str) -> None:
    """Insert one organization (run as ``postgres``; the caller commits)."""
    conn.execute("insert into public.organizations (id, name) values (%s, %s)", [org_id, name])


def add_member(conn: psycopg.Connection[Any], org_id: UUID | str, user_id: UUID | str, role: str) -> None:
    """Make a user an ``admin`` or ``coordinator`` of an organization (run as ``postgres``)."""
    conn.execute(
        "insert into public.organization_members (organization_id, user_id, role) values (%s, %s, %s)",
        [org_id, user_id, role],
    )
