"""Rosters of new students for each test, and a room finisher."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from ..helpers import Room

_classes = itertools.count()

ANSWERS = [
    "On a team project I disagreed with a teammate about rewriting the parser. I "
    "listened to understand their view, we ran a small experiment, looked at the "
    "data and agreed on the smaller fix; the result was a faster release and the "
    "lesson I learned was to test ideas early.",
    "I owned and led our release pipeline. I set a goal and a plan with "
    "milestones, handled a setback when a flaky test became a risk, and delivered "
    "it: we measured deploys falling from an hour to ten minutes.",
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
