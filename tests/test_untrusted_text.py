"""HTML made in Python shows hostile text as text: report card, room, gradebook."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ipyinterview import Client
from ipyinterview.classroom.gradebook import gradebook_frame, grid_row
from ipyinterview.classroom.roster import Student
from ipyinterview.display import report_html
from ipyinterview.models import Session
from ipyinterview.server import LocalService

from .helpers import Room
from .hostile import IMG, PAYLOADS, SVG, TEMPLATE, hostile_catalogue, mixed, parse

#: The elements the report card is made of; a payload must add none.
CARD_TAGS = {"div", "b", "p", "table", "tr", "td", "h4", "ul", "li"}


def hostile_session(*, with_feedback: bool = True) -> Session:
    feedback = {
        "score": 55,
        "verdict": mixed(),
        "skills": [{"name": payload, "score": 40} for payload in PAYLOADS],
        "strengths": list(PAYLOADS),
        "improvements": [mixed()],
    }
    return Session.model_validate(
        {
            "_id": mixed(),
            "interviewId": mixed(),
            "status": "completed" if with_feedback else mixed(),
            "score": 55 if with_feedback else None,
            "feedback": feedback if with_feedback else None,
        }
    )


@pytest.mark.parametrize("with_feedback", [True, False])
def test_the_report_card_shows_hostile_text_as_text(with_feedback: bool) -> None:
    session = hostile_session(with_feedback=with_feedback)

    card = parse(session._repr_html_())

    assert set(card.tags) <= CARD_TAGS
    assert [name for name, _ in card.attributes] == ["style"] * len(card.attributes)
    assert mixed() in card.text
    if with_feedback:
        for payload in PAYLOADS:
            assert card.text.count(payload) >= 3  # skill, strength, verdict


def test_the_report_card_of_a_widget_escapes_too() -> None:
    session = hostile_session()

    assert report_html(session) == session._repr_html_()


def test_the_gradebook_table_shows_hostile_names_as_text() -> None:
    student = Student(name=mixed(), email="a@example.com", external_id=mixed())
    session = hostile_session()
    row = grid_row(student, session, opened=True)

    frame = gradebook_frame([student], [row], {student.external_id: session})
    table = parse(frame.to_html())

    assert set(table.tags) <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert mixed() in table.text


@pytest.fixture(scope="module")
def hostile_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    folder = tmp_path_factory.mktemp("hostile")
    texts = hostile_catalogue(folder / "catalogue")
    with LocalService(
        db_path=folder / "db.sqlite", catalogue_dir=folder / "catalogue"
    ) as running:
        yield running, texts


def test_the_room_page_keeps_a_hostile_title_in_its_title(hostile_service) -> None:  # type: ignore[no-untyped-def]
    service, texts = hostile_service
    with Client(api_key=service.api_key, base_url=service.base_url) as client:
        user = client.create_user(mixed(IMG, SVG), "u@example.com", external_id="u1")
        created = client.create_session(user.token, "beh-1")
    room = Room(created.room_url(user.token))

    page = parse(room.page.text)
    title = page.text.split("Loading the interview room")[0].strip()

    assert page.tags.count("script") == 2  # the configuration and the room's module
    assert "img" not in page.tags
    assert "b" not in page.tags
    assert title == texts["chat_title"]
    assert TEMPLATE in title
    assert room.config["roomToken"] not in title
    assert room.config["sessionId"] == created.session.id


def test_the_room_configuration_cannot_close_its_script(tmp_path: Path) -> None:
    from ipyinterview.server.room import _page

    config = {"error": mixed()}

    body = _page(mixed(), config, 404).body.decode()
    page = parse(body)

    assert page.tags.count("script") == 2
    start = body.index('type="application/json">') + len('type="application/json">')
    end = body.index("</script>", start)
    assert json.loads(body[start:end]) == config


# Framing -------------------------------------------------------------------


def frame_ancestors(service: LocalService) -> list[str]:
    policy = httpx.get(f"{service.base_url}/healthz").headers["content-security-policy"]
    directive, *sources = policy.split()
    assert directive == "frame-ancestors"
    return sources


def test_the_room_admits_local_notebooks_by_default(service: LocalService) -> None:
    sources = frame_ancestors(service)

    assert sources == [
        "'self'",
        "http://localhost:*",
        "http://127.0.0.1:*",
        "https://localhost:*",
        "https://127.0.0.1:*",
        "vscode-webview:",
    ]


def test_the_room_admits_only_the_configured_notebooks(tmp_path: Path) -> None:
    admitted = ("https://hub.example.edu", "http://127.0.0.1:8888")
    with LocalService(
        db_path=tmp_path / "db.sqlite", frame_ancestors=admitted
    ) as running:
        sources = frame_ancestors(running)

    assert sources == list(admitted)


def test_more_notebooks_are_admitted_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        "IPYINTERVIEW_FRAME_ANCESTORS",
        "https://hub.example.edu  https://lab.example.org",
    )
    with LocalService(db_path=tmp_path / "db.sqlite") as running:
        sources = frame_ancestors(running)

    assert sources[-2:] == ["https://hub.example.edu", "https://lab.example.org"]
    assert "http://localhost:*" in sources
