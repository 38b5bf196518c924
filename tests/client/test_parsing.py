"""The client reads the documents the hosted service may send, in either shape."""

from __future__ import annotations

import httpx
import pytest

from ipyinterview import Client

USER = {"_id": "u1", "name": "Ada", "email": "ada@example.com", "api": {"token": "t"}}


@pytest.mark.parametrize("body", [USER, {"status": "success", "user": USER}])
def test_a_synced_user_is_read_bare_or_in_an_envelope(body: dict) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json=body))

    with Client("key", "https://service.test", transport=transport) as client:
        user = client.create_user("Ada", "ada@example.com")

    assert user.id == "u1"
    assert user.token == "t"


def test_requests_carry_the_key_header_and_no_secret_in_the_url() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "success", "session": {"_id": "s"}})

    with Client(
        "the-key", "https://service.test", transport=httpx.MockTransport(answer)
    ) as c:
        c.get_session("the-token", "s")

    assert seen[0].headers["X-API-Key"] == "the-key"
    assert seen[0].headers["X-User-Token"] == "the-token"
    assert "the-key" not in str(seen[0].url)
    assert "the-token" not in str(seen[0].url)
