"""A credential in memory, masked wherever it could be printed.

``Secret`` wraps the plaintext of an integration credential. Its ``repr``,
``str`` and ``format`` are a fixed mask, so logging a secret, a model or
dataclass holding one, or an exception whose arguments include one shows
``**********`` and never the value. The plaintext comes out only through
``reveal()``, which code calls at the last moment: when binding it as a query
parameter or when putting it into a request to the external system.

It cannot be pickled or copied into another process by accident, it has no
``len`` (the length of a credential says something about it), and two secrets
compare in constant time.
"""

from __future__ import annotations

import hmac
from typing import Any, NoReturn

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

MASK = "**********"


class Secret:
    """The plaintext of a credential; masked in ``repr``, ``str``, f-strings and pydantic JSON output."""

    __slots__ = ("__value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            # The message names the type only: the value might be the secret as bytes.
            raise TypeError(f"Secret wraps a str, not {type(value).__name__}")
        self.__value = value

    def reveal(self) -> str:
        """The plaintext. Call it only where the value leaves the process: a bind parameter or an outgoing request."""
        return self.__value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, format_spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self.__value.encode(), other.__value.encode())

    # Equal secrets must hash alike, and a hash of the plaintext is a guessing oracle: unhashable.
    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled; pass the integration id and retrieve it where it is needed")

    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    @classmethod
    def __get_pydantic_core_schema__(cls, source_type: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """Lets pydantic models hold a ``Secret``: accepts a ``Secret`` or a ``str``, dumps JSON as the mask."""

        def validate(value: Any) -> Secret:
            if isinstance(value, Secret):
                return value
            if isinstance(value, str):
                return cls(value)
            raise TypeError(f"expected a Secret or str, got {type(value).__name__}")

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda value: MASK, when_used="json-unless-none"
            ),
        )


def as_secret(value: Secret | str) -> Secret:
    """``value`` as a ``Secret``; a plain ``str`` is wrapped."""
    return value if isinstance(value, Secret) else Secret(value)
