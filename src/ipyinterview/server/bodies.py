"""The base of every JSON request body the service reads."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, model_validator

#: What a body's text may not contain, with the name the error gives it.
FORBIDDEN = {"\x00": "NUL characters (\\u0000)"}


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


class RequestBody(BaseModel):
    """A JSON request body; no text in it may contain a NUL character.

    Databases refuse NUL in text (PostgreSQL's text columns and JSON), so a
    NUL that reached the store would fail there, as a server error and only on
    some databases; every body refuses it up front instead.
    """

    @model_validator(mode="before")
    @classmethod
    def _refuse_forbidden_text(cls, data: Any) -> Any:
        name = refused_text(data)
        if name is not None:
            raise ValueError(
                f"text must not contain {name}; remove them and send again"
            )
        return data
