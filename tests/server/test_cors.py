"""No cross-origin access to the API or the room's endpoints (HTTP level).

An API key or a room token must never be usable from another site's page: the
service sends no Access-Control-Allow-* header, not to a preflight and not to
the request itself, so a browser refuses to send (or to show) the request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server import LocalService

from ..helpers import Room

ORIGIN = "http://127.0.0.1:9"


def cors_headers(response: httpx.Response) -> dict[str, str]:
    """Return the response's Access-Control-* headers."""
    return {
        name: value
        for name, value in response.headers.items()
        if name.lower().startswith("access-control-")
    }


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/ai-interviewer/catalogue"),
        ("POST", "/v1/users"),
        ("PUT", "/v1/users/plan"),
        ("POST", "/v1/ai-interviewer/sessions"),
        ("GET", "/v1/ai-interviewer/sessions/abc"),
    ],
)
@pytest.mark.parametrize("asked", ["authorization", "x-api-key, x-user-token"])
def test_the_api_allows_no_cross_origin_preflight(
    service: LocalService, method: str, path: str, asked: str
) -> None:
    response = httpx.options(
        f"{service.base_url}{path}",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": asked,
        },
    )

    assert cors_headers(response) == {}
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_the_api_answers_a_cross_origin_request_without_cors_headers(
    client: Client, user: User
) -> None:
    base = client.settings.base_url
    headers = {"Origin": ORIGIN, "X-API-Key": client.settings.api_key}

    catalogue = httpx.get(f"{base}/v1/ai-interviewer/catalogue", headers=headers)
    session = httpx.get(
        f"{base}/v1/ai-interviewer/sessions/abc",
        headers={**headers, "X-User-Token": user.token},
    )

    assert catalogue.status_code == 200
    assert cors_headers(catalogue) == {}
    assert cors_headers(session) == {}


@pytest.mark.parametrize("path", ["state", "answer", "draft", "run", "finish"])
def test_the_room_allows_no_cross_origin_preflight(
    open_room: Callable[..., tuple[Any, Room]], path: str
) -> None:
    room = open_room()[1]
    preflight = httpx.options(
        f"{room.base}/{path}",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-room-token, content-type",
        },
    )
    state = httpx.get(f"{room.base}/state", headers={**room.headers, "Origin": ORIGIN})

    assert cors_headers(preflight) == {}
    assert preflight.status_code == 405
    assert cors_headers(state) == {}
