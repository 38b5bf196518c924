"""Rosters of new students for each test, and a room finisher."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from ..helpers import Room

_classes = itertools.count()

ANSWERS = [
    "In my last project a teammate wanted to rewrite the parser; I disagreed, so "
    "we measured both options, agreed on the data, and shipped the smaller fix.",
    "I owned the release pipeline end to end: I planned it, automated the tests, "
    "and cut deploy time from an hour to ten minutes, which the team still uses.",
]


@pytest.fixture
def roster() -> pd.DataFrame:
    """Three students nobody else uses."""
    number = next(_classes)
    return pd.DataFrame(
        {
            "name": ["Ada Lovelace", "<b>Bob</b> & Co", '=HYPERLINK("x")'],
            "email": [f"{who}.{number}@school.test" for who in ("ada", "bob", "eve")],
            "external_id": [f"c{number}-{n}" for n in (1, 2, 3)],
        }
    )


def sit(room_url: str, answers: list[str] = ANSWERS) -> None:
    """Sit a chat interview over HTTP as the room page would, then finish it."""
    room = Room(room_url)
    room.get("state").raise_for_status()
    for text in answers:
        room.post("answer", {"text": text}).raise_for_status()
    room.post("finish").raise_for_status()
