"""Secret: masked in repr, str, format, %-formatting, pydantic models (repr and JSON) and dataclasses; revealed
only on request; not picklable; constant-time equality; no length.
"""

from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass

import pytest
from pydantic import BaseModel

from org_integrations.secrets import MASK, Secret, as_secret

PLAIN = "sk_test_unit-77aa0c-NEVER-LOG"


class Holder(BaseModel):
    credential: Secret


@dataclass
class DataHolder:
    credential: Secret


def test_every_rendering_is_masked() -> None:
    secret = Secret(PLAIN)
    renderings = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        f"{secret:>60}",
        "%s" % secret,  # noqa: UP031
        "{}".format(secret),  # noqa: UP032
        repr([secret]),
        repr({"k": secret}),
        repr(DataHolder(secret)),
        repr(Holder(credential=secret)),
        str(Holder(credential=secret)),
        Holder(credential=secret).model_dump_json(),
        repr(ValueError(secret)),
        str(ValueError("bad credential", secret)),
    ]
    for text in renderings:
        assert PLAIN not in text
    assert repr(secret) == f"Secret({MASK!r})"
    assert str(secret) == MASK


def test_reveal_and_pydantic_round_trip() -> None:
    assert Secret(PLAIN).reveal() == PLAIN
    holder = Holder.model_validate({"credential": PLAIN})
    assert isinstance(holder.credential, Secret)
    assert holder.credential.reveal() == PLAIN
    assert holder.model_dump()["credential"] is holder.credential  # python mode keeps the object, still masked
    assert Holder(credential=Secret(PLAIN)).credential == Secret(PLAIN)


def test_equality_hash_and_length() -> None:
    assert Secret(PLAIN) == Secret(PLAIN)
    assert Secret(PLAIN) != Secret(PLAIN + "x")
    assert Secret(PLAIN) != PLAIN  # a str is not a Secret
    with pytest.raises(TypeError):
        hash(Secret(PLAIN))
    with pytest.raises(TypeError):
        len(Secret(PLAIN))  # type: ignore[arg-type]


def test_cannot_be_pickled_but_copies_are_itself() -> None:
    secret = Secret(PLAIN)
    with pytest.raises(TypeError, match="pickled"):
        pickle.dumps(secret)
    assert copy.copy(secret) is secret
    assert copy.deepcopy(DataHolder(secret)).credential is secret


def test_no_instance_dict_exposes_the_value() -> None:
    secret = Secret(PLAIN)
    assert not hasattr(secret, "__dict__")
    with pytest.raises(AttributeError):
        secret.value = "other"  # type: ignore[attr-defined]


def test_only_str_is_accepted_and_the_error_does_not_echo_it() -> None:
    with pytest.raises(TypeError) as raised:
        Secret(PLAIN.encode())  # type: ignore[arg-type]
    assert PLAIN not in str(raised.value)
    assert as_secret(PLAIN).reveal() == PLAIN
    secret = Secret(PLAIN)
    assert as_secret(secret) is secret
