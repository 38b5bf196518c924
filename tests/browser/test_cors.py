"""A page of another origin cannot use the API or the room's endpoints.

The page is served from another 127.0.0.1 port and calls the service with
fetch(), as a malicious site would with a stolen key or room token: the
browser refuses every call (no CORS), and the service stores nothing.
"""

from __future__ import annotations

import functools
import http.server
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server import LocalService
from ipyinterview.server.db import sessions, users

from ..helpers import Room

#: Each call resolves to "refused" when the browser blocks it, else its status.
CALL = """async ([url, options]) => {
  try {
    const response = await fetch(url, options);
    return String(response.status);
  } catch (error) {
    return "refused";
  }
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def other_origin() -> Iterator[str]:
    """A blank page served from another 127.0.0.1 port than the service's."""
    with tempfile.TemporaryDirectory(prefix="ipyinterview-cors-") as folder:
        (Path(folder) / "index.html").write_text("<!doctype html><title>other</title>")
        handler = functools.partial(QuietHandler, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
        finally:
            server.shutdown()
            server.server_close()


def count(service: LocalService, table: sa.Table) -> int:
    assert service.store is not None
    with service.store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar())


def test_another_origin_cannot_call_the_api_with_a_key(
    page: Any, other_origin: str, service: LocalService, client: Client, user: User
) -> None:
    page.goto(other_origin)
    before = count(service, users), count(service, sessions)
    key = client.settings.api_key
    json_body = {"Content-Type": "application/json"}
    calls = [
        (
            f"{service.base_url}/v1/users",
            {
                "method": "POST",
                "headers": {**json_body, "Authorization": f"Bearer {key}"},
                "body": '{"name": "Mallory", "email": "m@example.com"}',
            },
        ),
        (
            f"{service.base_url}/v1/users",
            {
                "method": "POST",
                "headers": {**json_body, "X-API-Key": key},
                "body": '{"name": "Mallory", "email": "m@example.com"}',
            },
        ),
        (
            f"{service.base_url}/v1/ai-interviewer/sessions",
            {
                "method": "POST",
                "headers": {**json_body, "X-API-Key": key, "X-User-Token": user.token},
                "body": '{"interviewId": "dsa-1", "mode": "chat"}',
            },
        ),
        (
            f"{service.base_url}/v1/ai-interviewer/catalogue",
            {"headers": {"X-API-Key": key}},
        ),
        # A "simple" request goes without a preflight; it carries no key, so
        # the service refuses it, and the browser hides even that answer.
        (
            f"{service.base_url}/v1/users",
            {"method": "POST", "body": '{"name": "Mallory", "email": "m@x.org"}'},
        ),
    ]

    results = [page.evaluate(CALL, [url, options]) for url, options in calls]

    assert results == ["refused"] * len(calls)
    assert (count(service, users), count(service, sessions)) == before


def test_another_origin_cannot_call_the_room_with_its_token(
    page: Any, other_origin: str, open_room: Any
) -> None:
    room: Room = open_room()[1]
    page.goto(other_origin)
    turns = len(room.get("state").json()["turns"])
    token = room.config["roomToken"]
    headers = {"X-Room-Token": token, "Content-Type": "application/json"}
    calls = [
        (f"{room.base}/state", {"headers": {"X-Room-Token": token}}),
        (
            f"{room.base}/answer",
            {"method": "POST", "headers": headers, "body": '{"text": "forged"}'},
        ),
        (
            f"{room.base}/draft",
            {"method": "POST", "headers": headers, "body": '{"answer": "forged"}'},
        ),
        (f"{room.base}/finish", {"method": "POST", "headers": headers}),
    ]

    results = [page.evaluate(CALL, [url, options]) for url, options in calls]

    assert results == ["refused"] * len(calls)
    state = room.get("state").json()
    assert len(state["turns"]) == turns
    assert state["draft"] == {}
    assert state["session"]["status"] == "active"
