"""The base of every JSON request body the service reads, and its limits."""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError

#: What a body's text may not contain, with the name the error gives it.
FORBIDDEN = {"\x00": "NUL characters (\\u0000)"}

#: How deeply lists and objects may nest in a body. Whiteboard scenes, the
#: deepest bodies the room sends, nest about five levels.
MAX_JSON_DEPTH = 64

#: The error code and message of a body nested deeper than the limit (whether
#: the JSON parser gave up on it or it parsed and was measured).
TOO_DEEP_CODE = "json_too_deep"
TOO_DEEP_MESSAGE = (
    f"the JSON is nested too deeply; send at most {MAX_JSON_DEPTH} levels of "
    "nested lists and objects"
)

#: The error code of a body holding an integer too long for Python to read.
NUMBER_TOO_LONG_CODE = "number_too_long"


def number_too_long_message() -> str:
    """Return the message for an integer longer than Python reads from text."""
    # The limit came with Python 3.10.7 (4300 unless the process changed it).
    limit = getattr(sys, "get_int_max_str_digits", None)
    digits = limit() if limit is not None else 4300
    return (
        f"a number in the body is too long (over {digits} digits); "
        "send long numbers as strings"
    )


def refused_text(data: Any) -> str | None:
    """Return the name of a character no text in ``data`` may hold, if one does.

    Walks nested lists and objects (keys too) without recursion, so a deeply
    nested whiteboard scene is checked like a flat answer.
    """
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            for char, name in FORBIDDEN.items():
                if char in value:
                    return name
        elif isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return None


def nesting_depth(data: Any) -> int:
    """Return how deeply lists and objects nest in ``data`` (0 for a scalar).

    Without recursion, so that measuring a hostile body cannot itself fail.
    """
    deepest = 0
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        pending.extend((child, depth + 1) for child in children)
    return deepest


class RequestBody(BaseModel):
    """A JSON request body: nested at most :data:`MAX_JSON_DEPTH` levels, and
    no text in it may contain a NUL character.

    Databases refuse NUL in text (PostgreSQL's text columns and JSON), so a
    NUL that reached the store would fail there, as a server error and only on
    some databases; every body refuses it up front instead. The depth limit
    keeps a stored body readable again (parsing JSON recurses) and gives
    every too-deep body the same answer.
    """

    @model_validator(mode="before")
    @classmethod
    def _refuse_unstorable(cls, data: Any) -> Any:
        if nesting_depth(data) > MAX_JSON_DEPTH:
            raise PydanticCustomError(TOO_DEEP_CODE, TOO_DEEP_MESSAGE)
        name = refused_text(data)
        if name is not None:
            raise ValueError(
                f"text must not contain {name}; remove them and send again"
            )
        return data
