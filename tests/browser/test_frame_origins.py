"""Who may frame the room, and whose messages the widget relays to Python.

Chromium resolves every ``*.test`` host to 127.0.0.1 here, so a page can sit
on an origin the room does not admit (``http://notebook.evil.test:port``) or
on one that looks like the room's (``http://127.0.0.1.evil.test:port``) while
every server is a real one on 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server import LocalService
from ipyinterview.server.content import load_library

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .widget_page import open_widget, widget_server, widget_state

CATALOGUE = load_library().catalogue().to_wire()
RESOLVE_TEST_HOSTS = "--host-resolver-rules=MAP *.test 127.0.0.1"

ADD_FRAME = """(url) => new Promise((loaded) => {
  const frame = document.createElement("iframe");
  frame.src = url;
  frame.className = "intruder";
  frame.onload = () => loaded();
  document.body.append(frame);
})"""


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Chromium as in conftest, with ``*.test`` hosts resolved to 127.0.0.1."""
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("chromium")))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[*CHROMIUM_ARGS, RESOLVE_TEST_HOSTS],
        )
        yield chromium
        chromium.close()


def with_host(url: str, host: str) -> str:
    """Return ``url`` with its host name replaced (port and path kept)."""
    parts = urlsplit(url)
    return parts._replace(netloc=f"{host}:{parts.port}").geturl()


NAVIGATE_ROOM_FRAME = """(url) => {
  document.querySelector("iframe.ipyi-frame").contentWindow.location.href = url;
}"""


# Framing -----------------------------------------------------------------


def frame_room_from(page, origin_url: str, room_url: str) -> object:  # type: ignore[no-untyped-def]
    page.goto(origin_url)
    page.evaluate(ADD_FRAME, room_url)
    return page.frames[1]


def test_a_local_notebook_origin_may_frame_the_room(
    page, service: LocalService, client: Client, user: User
) -> None:  # type: ignore[no-untyped-def]
    room_url = client.create_session(user.token, "beh-1").room_url(user.token)
    notebook = with_host(f"{service.base_url}/healthz", "localhost")

    frame = frame_room_from(page, notebook, room_url)

    frame.locator(".transcript .turn").first.wait_for(timeout=10_000)  # type: ignore[attr-defined]


def test_another_origin_may_not_frame_the_room(
    page, service: LocalService, client: Client, user: User
) -> None:  # type: ignore[no-untyped-def]
    room_url = client.create_session(user.token, "beh-1").room_url(user.token)
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))

    frame_room_from(
        page, with_host(f"{service.base_url}/healthz", "notebook.evil.test"), room_url
    )

    # Chromium reports the refusal on the console, sometimes after the load event.
    for _ in range(20):
        if any("frame-ancestors" in line for line in console):
            break
        page.wait_for_timeout(100)
    assert any("frame-ancestors" in line for line in console)
    assert not [f for f in page.frames if f.url.startswith(service.base_url)]
    assert page.frame_locator("iframe.intruder").locator("#room").count() == 0


# Relaying ----------------------------------------------------------------


@dataclass
class LiveRoom:
    """The widget page with a live room, and the page's errors as they come."""

    page: object
    session_id: str
    room_url: str
    errors: list[str] = field(default_factory=list)

    @property
    def frame(self) -> object:
        return self.page.frame_locator("iframe.ipyi-frame")  # type: ignore[attr-defined]

    @property
    def room_frame(self) -> object:
        handle = self.page.query_selector("iframe.ipyi-frame")  # type: ignore[attr-defined]
        return handle.content_frame()

    def actions(self) -> list[str]:
        sent = self.page.evaluate("window.sent")  # type: ignore[attr-defined]
        return [m["event"]["action"] for m in sent if m["kind"] == "event"]

    def forged(self, session_id: str | None = None) -> dict[str, object]:
        """Return a well-formed interviewFinished, as only the room should send."""
        return {
            "source": "oc-interview",
            "action": "interviewFinished",
            "sessionId": session_id or self.session_id,
            "score": 100,
        }

    def post_from(self, frame: object, data: object) -> None:
        frame.evaluate("(data) => window.parent.postMessage(data, '*')", data)  # type: ignore[attr-defined]

    def settle(self) -> None:
        self.page.wait_for_timeout(250)  # type: ignore[attr-defined]

    def finish_for_real(self) -> None:
        """Finish in the genuine room; its event must still reach Python."""
        before = len(self.actions())
        self.frame.locator("button.finish").click()  # type: ignore[attr-defined]
        self.page.wait_for_function(  # type: ignore[attr-defined]
            f"window.sent.filter((m) => m.kind === 'event').length > {before}"
        )
        assert self.actions()[-1] == "interviewFinished"


@pytest.fixture
def live_room(page, client: Client, user: User) -> Iterator[LiveRoom]:  # type: ignore[no-untyped-def]
    created = client.create_session(user.token, "beh-1", mode="chat")
    url = created.room_url(user.token)
    state = widget_state(
        CATALOGUE, status="active", room_url=url, session_id=created.session.id
    )
    room = LiveRoom(page, created.session.id, url)
    page.on("pageerror", lambda error: room.errors.append(str(error)))
    page.on(
        "console",
        lambda m: (
            room.errors.append(m.text)
            if m.type == "error" and "Failed to load resource" not in m.text
            else None
        ),
    )
    with widget_server(state) as page_url:
        open_widget(page, page_url)
        page.wait_for_function("window.sent.some((m) => m.kind === 'event')")
        yield room
    assert room.errors == []


def test_messages_from_other_windows_are_not_relayed(live_room: LiveRoom) -> None:
    room_origin = (
        f"{urlsplit(live_room.room_url).scheme}://{urlsplit(live_room.room_url).netloc}"
    )
    live_room.page.evaluate(ADD_FRAME, f"{room_origin}/healthz")  # type: ignore[attr-defined]
    twin = next(f for f in live_room.page.frames if f.url.endswith("/healthz"))  # type: ignore[attr-defined]

    live_room.post_from(twin, live_room.forged())
    live_room.post_from(live_room.page.main_frame, live_room.forged())  # type: ignore[attr-defined]
    live_room.settle()

    assert live_room.actions() == ["interviewLoaded"]
    live_room.finish_for_real()


@pytest.mark.parametrize(
    "host_or_port",
    ["localhost", "127.0.0.1.evil.test", "another port"],
)
def test_the_rooms_frame_on_a_look_alike_origin_is_not_relayed(
    live_room: LiveRoom, host_or_port: str
) -> None:
    room = live_room.room_frame
    if host_or_port == "another port":
        widget_page = live_room.page.url  # type: ignore[attr-defined]
        look_alike = widget_page.replace("index.html", "widget.css")
    else:
        look_alike = with_host(live_room.room_url, host_or_port)
    assert urlsplit(look_alike).netloc != urlsplit(live_room.room_url).netloc

    room.goto(look_alike)  # type: ignore[attr-defined]
    # Another site swaps the frame's process: find the frame anew after a move.
    live_room.post_from(live_room.room_frame, live_room.forged())
    live_room.settle()
    # Back to the genuine room (the page navigates its frame): it loads again and
    # still finishes.
    live_room.page.evaluate(NAVIGATE_ROOM_FRAME, live_room.room_url)  # type: ignore[attr-defined]
    live_room.page.wait_for_function(  # type: ignore[attr-defined]
        "window.sent.filter((m) => m.kind === 'event').length >= 2"
    )

    assert live_room.actions() == ["interviewLoaded", "interviewLoaded"]
    live_room.finish_for_real()


MALFORMED = [
    "interviewFinished",
    None,
    42,
    ["oc-interview", "interviewFinished"],
    {"action": "interviewFinished"},
    {"source": "oc-interview", "action": "interviewFinished", "score": 100},
    {"source": "oc-interview", "sessionId": "SESSION", "score": 100},
    {"source": "other", "action": "interviewFinished", "sessionId": "SESSION"},
    {
        "source": "oc-interview",
        "action": "interviewFinished",
        "sessionId": "SESSION",
        "score": "100",
    },
    {
        "source": "oc-interview",
        "action": "interviewFinished",
        "sessionId": "SESSION",
        "score": {"valueOf": 100},
    },
    {"source": "oc-interview", "action": ["interviewFinished"], "sessionId": "SESSION"},
    {"source": "oc-interview", "action": "interviewFinished", "sessionId": ["SESSION"]},
]


def test_malformed_events_from_the_room_itself_are_not_relayed(
    live_room: LiveRoom,
) -> None:
    for data in MALFORMED:
        if isinstance(data, dict) and data.get("sessionId") == "SESSION":
            data = {**data, "sessionId": live_room.session_id}
        live_room.post_from(live_room.room_frame, data)
    live_room.settle()

    assert live_room.actions() == ["interviewLoaded"]
    live_room.finish_for_real()


def test_another_sessions_room_in_our_frame_is_not_relayed(
    live_room: LiveRoom, client: Client, user: User
) -> None:
    other = client.create_session(user.token, "beh-1", mode="chat")
    room = live_room.room_frame

    # The other session's room, genuine and at the same origin, loads and finishes.
    room.goto(other.room_url(user.token))  # type: ignore[attr-defined]
    live_room.frame.locator("button.finish").click()  # type: ignore[attr-defined]
    live_room.frame.locator(".report").wait_for()  # type: ignore[attr-defined]
    live_room.post_from(room, live_room.forged(other.session.id))
    live_room.settle()

    assert live_room.actions() == ["interviewLoaded"]


def test_extra_fields_never_reach_python(live_room: LiveRoom) -> None:
    extra = {
        **live_room.forged(),
        "action": "interviewLoaded",
        "kind": "back",
        "seq": 1000,
        "report": {"score": 100},
        "__proto__": {"score": 100},
    }

    live_room.post_from(live_room.room_frame, extra)
    live_room.page.wait_for_function(  # type: ignore[attr-defined]
        "window.sent.filter((m) => m.kind === 'event').length >= 2"
    )

    relayed = live_room.page.evaluate("window.sent")[-1]  # type: ignore[attr-defined]
    assert relayed == {
        "kind": "event",
        "seq": 2,
        "event": {
            "source": "oc-interview",
            "action": "interviewLoaded",
            "sessionId": live_room.session_id,
            "score": 100,
            "known": True,
        },
    }
