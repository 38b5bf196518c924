"""The widget's room frame in Chromium: relay, forged messages, listeners, notices."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server.content import load_library
from ipyinterview.server.process import free_port

from .widget_page import open_widget, widget_server, widget_state

CATALOGUE = load_library().catalogue().to_wire()


@pytest.fixture
def live_room(page, client: Client, user: User) -> Iterator[tuple[object, str]]:  # type: ignore[no-untyped-def]
    created = client.create_session(user.token, "beh-1", mode="chat")
    url = created.room_url(user.token)
    state = widget_state(
        CATALOGUE, status="active", room_url=url, session_id=created.session.id
    )
    with widget_server(state) as page_url:
        open_widget(page, page_url)
        yield page, created.session.id


def sent_events(page) -> list[dict]:  # type: ignore[no-untyped-def]
    return [m for m in page.evaluate("window.sent") if m["kind"] == "event"]


def test_the_rooms_events_reach_python_with_a_sequence(live_room) -> None:  # type: ignore[no-untyped-def]
    page, session_id = live_room
    page.wait_for_function("window.sent.length >= 2")
    room = page.frame_locator("iframe.ipyi-frame")
    room.locator("button.finish").click()
    page.wait_for_function("window.sent.length >= 3")

    events = sent_events(page)
    assert [e["seq"] for e in events] == [1, 2]
    assert [e["event"]["action"] for e in events] == [
        "interviewLoaded",
        "interviewFinished",
    ]
    assert all(e["event"]["sessionId"] == session_id for e in events)
    assert isinstance(events[1]["event"]["score"], int)


@pytest.mark.parametrize(
    "forged",
    [
        # From the page itself, not the room's iframe.
        "window.postMessage({source: 'oc-interview', action: 'interviewFinished',"
        " sessionId: 'x', score: 100}, '*')",
        # Not an object, or an object of another shape.
        "window.postMessage('interviewFinished', '*')",
        "window.postMessage({action: 'interviewFinished'}, '*')",
    ],
)
def test_forged_messages_change_nothing(live_room, forged: str) -> None:  # type: ignore[no-untyped-def]
    page, _session_id = live_room
    page.wait_for_function("window.sent.length >= 2")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.evaluate(forged)
    page.wait_for_timeout(300)

    assert [e["event"]["action"] for e in sent_events(page)] == ["interviewLoaded"]
    assert errors == []


def test_rendering_again_leaves_one_message_listener(live_room) -> None:  # type: ignore[no-untyped-def]
    page, _session_id = live_room

    for _ in range(5):
        page.evaluate("window.renderAgain()")
    live = page.evaluate("window.messageListeners")
    page.evaluate("window.cleanup()")
    after_close = page.evaluate("window.messageListeners")

    assert live == 1
    assert after_close == 0


def test_a_room_that_does_not_load_says_why_and_offers_a_new_tab(page) -> None:  # type: ignore[no-untyped-def]
    url = f"http://127.0.0.1:{free_port()}/embed/ai-interviewer/s1?userApiToken=t"
    state = widget_state(CATALOGUE, status="active", room_url=url, load_timeout=1)
    with widget_server(state) as page_url:
        open_widget(page, page_url)

        notice = page.locator(".ipyi-notice")
        expect(notice).to_be_visible(timeout=5000)
        expect(notice).to_contain_text("did not answer")
        expect(page.locator("a.ipyi-newtab")).to_have_attribute("href", url)
        expect(page.locator("a.ipyi-newtab")).to_have_attribute("target", "_blank")
        page.click(".ipyi-toolbar .ipyi-back")

        assert page.evaluate("window.sent") == [{"kind": "open"}, {"kind": "back"}]


def test_the_iframe_may_use_the_microphone(live_room) -> None:  # type: ignore[no-untyped-def]
    page, _session_id = live_room

    allow = page.get_attribute("iframe.ipyi-frame", "allow")

    assert allow == "microphone; autoplay"


def test_a_reopened_notebook_shows_the_result_not_a_room(page) -> None:  # type: ignore[no-untyped-def]
    report = {
        "score": 81,
        "verdict": "Solid on maps.",
        "skills": [{"name": "Hash maps", "score": 90}],
        "strengths": [],
        "improvements": [],
    }
    # Saved state after the interview: finished, report kept, room URL cleared.
    state = widget_state(CATALOGUE, status="finished", score=81, report=report)
    with widget_server(state) as page_url:
        open_widget(page, page_url)

        expect(page.locator(".ipyi-result .ipyi-score")).to_have_text("81")
        expect(page.locator(".ipyi-skills")).to_contain_text("Hash maps")
        assert page.locator("iframe").count() == 0
