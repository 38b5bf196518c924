"""System designs are graded from the whiteboard's labels and arrows."""

from __future__ import annotations

from typing import Any

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server.content import load_library
from ipyinterview.server.design import grade_design, read_board

SD1 = load_library().interviews["sd-1"]


def box(element_id: str, label: str) -> list[dict[str, Any]]:
    """A rectangle with a bound label, as Excalidraw saves it."""
    return [
        {
            "id": element_id,
            "type": "rectangle",
            "boundElements": [{"id": f"t-{element_id}"}],
        },
        {
            "id": f"t-{element_id}",
            "type": "text",
            "text": label,
            "containerId": element_id,
        },
    ]


def arrow(start: str, end: str) -> dict[str, Any]:
    return {
        "id": f"{start}->{end}",
        "type": "arrow",
        "startBinding": {"elementId": start},
        "endBinding": {"elementId": end},
    }


SCENE = [
    *box("a", "API server"),
    *box("c", "Redis cache"),
    *box("d", "Postgres database"),
    arrow("a", "c"),
    arrow("a", "d"),
]


def test_labels_and_arrows_are_read_from_the_scene() -> None:
    board = read_board(
        [*SCENE, {"id": "gone", "type": "text", "text": "x", "isDeleted": True}]
    )

    assert sorted(board.labels.values()) == [
        "API server",
        "Postgres database",
        "Redis cache",
    ]
    assert board.arrows == [("a", "c"), ("a", "d")]


def test_a_fuller_design_scores_higher() -> None:
    assert SD1.design is not None
    empty = grade_design(SD1.design, [], "")
    three = grade_design(SD1.design, SCENE, "")
    complete = grade_design(
        SD1.design,
        [*SCENE, *box("i", "ID generator (counter)"), arrow("a", "i")],
        "a cache trades consistency for latency",
    )

    assert empty.score == 0
    assert 0 < three.score < complete.score
    assert three.missing == ["ID generator"]
    assert complete.missing == []


def test_the_report_grades_the_board(client: Client, user: User, open_room) -> None:
    created, room = open_room("sd-1")
    state = room.get("state").json()

    saved = room.post("board", {"elements": SCENE})
    room.post("finish")
    report = client.get_session(user.token, created.session.id).feedback

    assert state["interview"]["design"] is True
    assert saved.json()["elements"] == len(SCENE)
    whiteboard = [q for q in report.questions if q.q.startswith("Whiteboard")]
    assert whiteboard[0].score > 0
    assert "Redis cache" in (whiteboard[0].answer or "") or "Cache" in (
        whiteboard[0].answer or ""
    )
    assert any(
        "Missing from the whiteboard: ID generator" in i for i in report.improvements
    )
