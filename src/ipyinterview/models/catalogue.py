"""The interview catalogue: personas, tracks and the interviews of each track."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import WireModel

Category = Literal["technical", "non-technical", "k12"]
Level = Literal["Easy", "Medium", "Hard"]
Mode = Literal["voice", "chat"]

#: The interview modes a session can be created in.
MODES: tuple[str, ...] = ("voice", "chat")


class Persona(WireModel):
    """An interviewer persona, such as ``maya`` (supportive coach)."""

    id: str
    name: str
    title: str


class Track(WireModel):
    """A group of interviews, such as ``dsa`` (DSA / Problem solving)."""

    id: str
    cat: str
    name: str


class Interview(WireModel):
    """One interview of the catalogue, as the picker shows it.

    ``grades`` is set only for grade-adaptive interviews; a session of such an
    interview must be created with one of them.
    """

    id: str
    title: str
    level: str
    mins: int
    kind: str
    skills: list[str] = Field(default_factory=list)
    blurb: str = ""
    has_problem: bool = False
    grades: list[str] | None = None


class Catalogue(WireModel):
    """The catalogue response: personas, tracks and interviews per track id."""

    status: str = "success"
    personas: list[Persona] = Field(default_factory=list)
    tracks: list[Track] = Field(default_factory=list)
    interviews: dict[str, list[Interview]] = Field(default_factory=dict)

    def interview(self, interview_id: str) -> Interview:
        """Return the interview with this id.

        Raises:
            KeyError: no track has an interview with this id; the message lists
                a few ids that exist.
        """
        for items in self.interviews.values():
            for item in items:
                if item.id == interview_id:
                    return item
        ids = [i.id for i in self.all_interviews()]
        known = ", ".join(ids[:8]) + (
            f", … ({len(ids)} in all)" if len(ids) > 8 else ""
        )
        raise KeyError(
            f"no interview {interview_id!r} in the catalogue; known: {known}"
        )

    def track_of(self, interview_id: str) -> Track | None:
        """Return the track holding the interview, or None if there is none."""
        by_id = {t.id: t for t in self.tracks}
        for track_id, items in self.interviews.items():
            if any(item.id == interview_id for item in items):
                return by_id.get(track_id)
        return None

    def all_interviews(self) -> list[Interview]:
        """Return every interview, track by track, in catalogue order."""
        return [item for items in self.interviews.values() for item in items]

    def persona_ids(self) -> list[str]:
        """Return the ids of the personas a session may be created with."""
        return [p.id for p in self.personas]
