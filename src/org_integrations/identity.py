"""Who a repository call acts as, applied the way PostgREST applies a JWT.

PostgREST runs each request in one transaction and starts it with
``set_config('role', <JWT role>, true)`` and
``set_config('request.jwt.claims', <JWT claims as JSON>, true)``. Both are
transaction-local, so they vanish at commit or rollback and a pooled
connection goes back to its login role. ``Identity.apply`` issues exactly
that, and the database's policies, column grants and credential functions
then see the same caller as they would behind the Data API: ``auth.uid()``
is the user, ``current_setting('role')`` is the request role.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

import psycopg

ApiRole = Literal["anon", "authenticated", "service_role"]

# Claims first, then the role: set_config of a custom setting is allowed for any
# role, and the role switch only succeeds for a login role that is a member of it.
_APPLY = "select pg_catalog.set_config('request.jwt.claims', %s, true), pg_catalog.set_config('role', %s, true)"


@dataclass(frozen=True, slots=True)
class Identity:
    """An API caller: a signed-in user (``authenticated``), the ``service_role`` key, or ``anon``."""

    role: ApiRole
    user_id: UUID | None = None
    email: str | None = None

    def __post_init__(self) -> None:
        if (self.role == "authenticated") != (self.user_id is not None):
            raise ValueError("an authenticated identity needs a user id, and only it has one")

    @classmethod
    def user(cls, user_id: UUID | str, email: str | None = None) -> Identity:
        """A signed-in user: role ``authenticated``, JWT ``sub`` = ``user_id``. RLS applies."""
        return cls("authenticated", UUID(str(user_id)), email)

    @classmethod
    def service_role(cls) -> Identity:
        """The ``service_role`` key: bypasses RLS; the only API role that may retrieve credentials. Server side only."""
        return cls("service_role")

    @classmethod
    def anon(cls) -> Identity:
        """The anon key without a user session."""
        return cls("anon")

    @property
    def is_service_role(self) -> bool:
        return self.role == "service_role"

    def claims(self) -> dict[str, Any]:
        """The JWT claims PostgREST would put in ``request.jwt.claims`` for this caller."""
        if self.role != "authenticated":
            return {"role": self.role}
        claims: dict[str, Any] = {"sub": str(self.user_id), "role": "authenticated", "aud": "authenticated"}
        if self.email is not None:
            claims["email"] = self.email
        return claims

    def apply(self, cursor: psycopg.Cursor[Any]) -> None:
        """Act as this caller until the end of the current transaction (which must be open)."""
        cursor.execute(_APPLY, [json.dumps(self.claims()), self.role])

    def describe(self) -> str:
        """For logs: the role, and the user id for a user. Never a token or key."""
        return f"{self.role}:{self.user_id}" if self.user_id is not None else self.role
