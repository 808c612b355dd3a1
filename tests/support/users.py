"""Users in ``auth.users``, as GoTrue's email sign-up leaves them."""

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
