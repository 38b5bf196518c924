"""Fault injection: retries, timeouts, refused connections, broken answers."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from ipyinterview import Client
from ipyinterview.errors import (
    APIConnectionError,
    APIResponseError,
    APITimeoutError,
    AuthenticationError,
    QuotaExceededError,
    ServerError,
)

SESSION = {
    "status": "success",
    "session": {"_id": "s1", "status": "completed", "score": 7},
}
CATALOGUE = {
    "status": "success",
    "personas": [{"id": "maya", "name": "Maya", "title": "Supportive coach"}],
    "tracks": [{"id": "dsa", "cat": "technical", "name": "DSA"}],
    "interviews": {
        "dsa": [
            {
                "id": "dsa-1",
                "title": "T",
                "level": "Easy",
                "mins": 5,
                "kind": "code",
                "skills": [],
                "blurb": "",
                "hasProblem": True,
            }
        ]
    },
}


class Script:
    """A fake service answering from a list of responses, remembering requests."""

    def __init__(self, *responses: httpx.Response) -> None:
        self.responses = list(responses)
        self.requests: list[httpx.Request] = []
        self.times: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.times.append(time.monotonic())
        if request.url.path.endswith("/catalogue"):
            return httpx.Response(200, json=CATALOGUE)
        return self.responses.pop(0)


def client_for(script: Script, **kwargs) -> Client:  # type: ignore[no-untyped-def]
    return Client(
        "key", "https://service.test", transport=httpx.MockTransport(script), **kwargs
    )


def test_503_with_retry_after_is_retried_until_200() -> None:
    busy = httpx.Response(503, headers={"Retry-After": "1"}, json={"code": "busy"})
    script = Script(busy, busy, httpx.Response(200, json=SESSION))

    session = client_for(script).get_session("tok", "s1")

    assert session.score == 7
    assert len(script.requests) == 3
    assert script.times[-1] - script.times[0] >= 2.0


def test_401_is_never_retried() -> None:
    script = Script(
        httpx.Response(401, json={"code": "invalid_api_key", "message": "m"})
    )

    with pytest.raises(AuthenticationError) as caught:
        client_for(script).get_session("tok", "s1")

    assert len(script.requests) == 1
    assert caught.value.status_code == 401


def test_a_retry_after_longer_than_the_cap_raises_at_once() -> None:
    script = Script(
        httpx.Response(
            429,
            headers={"Retry-After": "3600"},
            json={"code": "rate_limited", "message": "later"},
        )
    )

    with pytest.raises(QuotaExceededError):
        client_for(script).get_session("tok", "s1")

    assert len(script.requests) == 1


def test_session_creation_is_retried_with_one_idempotency_key() -> None:
    created = {
        "status": "success",
        "session": {"_id": "s1", "status": "active"},
        "embedUrl": "https://service.test/embed/ai-interviewer/s1",
    }
    script = Script(httpx.Response(502), httpx.Response(200, json=created))

    client_for(script).create_session("tok", "dsa-1")

    posts = [r for r in script.requests if r.method == "POST"]
    assert len(posts) == 2
    keys = {r.headers["Idempotency-Key"] for r in posts}
    assert len(keys) == 1


def test_server_errors_raise_after_the_retries() -> None:
    script = Script(*[httpx.Response(500, json={"message": "boom"})] * 3)

    with pytest.raises(ServerError, match="boom"):
        client_for(script).get_session("tok", "s1")

    assert len(script.requests) == 3


def test_malformed_json_raises_a_response_error() -> None:
    script = Script(httpx.Response(200, content=b"<html>proxy login</html>"))

    with pytest.raises(APIResponseError, match="check base_url"):
        client_for(script).get_session("tok", "s1")


def test_a_slow_server_hits_the_timeout() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        client = Client("key", url, timeout=0.3, max_retries=0)
        with client, pytest.raises(APITimeoutError, match="timed out"):
            client.get_session("tok", "s1")


def test_a_refused_connection_says_to_check_the_service() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = Client("key", f"http://127.0.0.1:{port}", max_retries=1)
    with client, pytest.raises(APIConnectionError, match="could not reach") as caught:
        client.get_session("tok", "s1")

    assert "key" not in str(caught.value).split("could not reach")[0]


def test_logs_never_hold_the_key_or_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG", logger="ipyinterview")
    busy = httpx.Response(503, headers={"Retry-After": "0"})
    script = Script(busy, httpx.Response(200, json=SESSION))

    client_for(script).get_session("secret-user-token", "s1")

    text = caplog.text + json.dumps([r.args for r in caplog.records], default=str)
    assert "retry 1" in caplog.text
    assert "secret-user-token" not in text
    assert "key" not in [str(a) for r in caplog.records for a in (r.args or ())]
