"""The base every wire model shares: camelCase aliases, unknown keys kept."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class WireModel(BaseModel):
    """A JSON document of the interviewer API.

    Python attributes are snake_case; on the wire each field keeps the exact key
    the service uses (``interviewId``, ``hasProblem``, ``_id``). Keys this
    package does not know are kept, so a document read and written back loses
    nothing.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        frozen=False,
    )

    def to_wire(self) -> dict[str, Any]:
        """Return the document as the service would send it.

        Only the keys that were set (or given a value) are written, under their
        wire names, so parsing a document and writing it back yields the same
        keys.
        """
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)
