"""Request bodies the service cannot take are refused accurately, on every route.

Each case once got a misleading answer: deep nesting and long numbers were
called unreadable, and a chunked body over the size limit (no Content-Length)
reached the route and was refused as the wrong type.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ipyinterview import Client
from ipyinterview.server import LocalService
from ipyinterview.server.app import AUDIO_BODY_BYTES, MAX_BODY_BYTES
from ipyinterview.server.bodies import MAX_JSON_DEPTH, nesting_depth
from ipyinterview.server.process import ServiceProcess

from ..helpers import Room
from .test_speech import MEGABYTE_OF_SILENCE, hiss, wav_of

JSON = {"Content-Type": "application/json"}


def nested(depth: int) -> str:
    """Return JSON text of lists nested ``depth`` deep."""
    return "[" * depth + "]" * depth


def chunks(total: int, *, size: int = 64 * 1024) -> Iterator[bytes]:
    """Yield ``total`` bytes in pieces: httpx sends them chunked, with no length."""
    for start in range(0, total, size):
        yield b" " * min(size, total - start)


def sync_user(service: LocalService, content: Any) -> httpx.Response:
    headers = {"X-API-Key": service.api_key, **JSON}
    return httpx.post(f"{service.base_url}/v1/users", headers=headers, content=content)


def post_board(room: Room, content: Any) -> httpx.Response:
    headers = {**room.headers, **JSON}
    return httpx.post(f"{room.base}/board", headers=headers, content=content)


def assert_refused(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert body["status"] == "failed"
    assert body["code"] == code
    message: str = body["message"]
    return message


@pytest.fixture
def room(open_room: Callable[..., tuple[Any, Room]]) -> Room:
    return open_room("sd-1")[1]


@pytest.mark.parametrize("depth", [100_000, 5_000, 990, 500, MAX_JSON_DEPTH + 1])
def test_a_body_nested_too_deeply_is_refused_as_such(
    service: LocalService, room: Room, depth: int
) -> None:
    # The deepest ones the JSON parser gives up on, the others parse and are
    # measured: the same answer either way, on the API and in the room.
    board = '{"elements": [{"type": "text", "customData": ' + nested(depth) + "}]}"

    answers = [sync_user(service, nested(depth)), post_board(room, board)]

    for answer in answers:
        message = assert_refused(answer, 400, "json_too_deep")
        assert "nested too deeply" in message
        assert str(MAX_JSON_DEPTH) in message


def test_a_body_at_the_depth_limit_is_taken(room: Room) -> None:
    scene = {"elements": [{"type": "text", "customData": json.loads(nested(61))}]}
    assert nesting_depth(scene) == MAX_JSON_DEPTH

    saved = room.post("board", scene)

    assert saved.status_code == 200, saved.text


def test_a_number_too_long_to_read_is_named(service: LocalService, room: Room) -> None:
    digits = "9" * 5000

    answers = [
        sync_user(service, '{"name": ' + digits + "}"),
        room.post_bytes(
            "answer", b'{"text": ' + digits.encode() + b"}", JSON["Content-Type"]
        ),
    ]

    for answer in answers:
        message = assert_refused(answer, 400, "number_too_long")
        assert "too long" in message
        assert "as strings" in message


def test_a_body_that_is_not_utf8_says_so(room: Room) -> None:
    broken = room.post_bytes("answer", b'{"text": "a\xff\xfeb"}', JSON["Content-Type"])

    assert "not UTF-8" in assert_refused(broken, 400, "malformed_body")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"text": "hello"}', "text/plain"),
        (b"text=hello", "application/x-www-form-urlencoded"),
        (b'["hello"]', "application/json"),
        (b'"hello"', "application/json"),
    ],
)
def test_a_body_that_is_no_json_object_says_what_to_send(
    room: Room, body: bytes, content_type: str
) -> None:
    answer = room.post_bytes("answer", body, content_type)

    message = assert_refused(answer, 400, "invalid_request")
    assert "send a JSON object, with Content-Type: application/json" in message


@pytest.mark.parametrize("total", [2_600_000, 50 * 1024 * 1024])
def test_a_chunked_body_over_the_limit_is_413_on_the_api(
    service: LocalService, total: int
) -> None:
    response = sync_user(service, chunks(total))

    message = assert_refused(response, 413, "body_too_large")
    assert str(MAX_BODY_BYTES) in message
    assert "x-request-id" in response.headers


def test_a_chunked_body_over_the_limit_is_413_in_the_room(room: Room) -> None:
    board = post_board(room, chunks(MAX_BODY_BYTES + 1))
    audio = httpx.post(
        f"{room.base}/transcribe",
        headers={**room.headers, "Content-Type": "audio/wav"},
        content=chunks(AUDIO_BODY_BYTES + 1),
    )

    assert_refused(board, 413, "body_too_large")
    assert str(AUDIO_BODY_BYTES) in assert_refused(audio, 413, "body_too_large")
    assert room.get("state").status_code == 200, "the room still answers"


def test_a_chunked_body_within_the_limit_is_read(
    service: LocalService, room: Room
) -> None:
    user = {"name": "Chunked", "email": "chunked@example.com"}
    text = json.dumps(user).encode()
    scene = json.dumps({"elements": [{"type": "text", "text": "x" * 900_000}]})

    synced = sync_user(service, iter([text[:10], text[10:]]))
    saved = post_board(room, chunks_of(scene.encode(), 4096))

    assert synced.status_code == 200, synced.text
    assert synced.json()["user"]["email"] == "chunked@example.com"
    assert saved.status_code == 200, saved.text


def chunks_of(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_refused_bodies_and_silence_leave_the_service_log_empty(
    tmp_path: Path,
) -> None:
    # The service in its own process, its standard error (file descriptor 2,
    # where PocketSphinx's C logger writes too) kept in a file.
    log = tmp_path / "service.log"
    with ServiceProcess(tmp_path / "s.db", stderr=log) as service:
        with Client(api_key=service.api_key, base_url=service.base_url) as client:
            user = client.create_user("Log", "log@example.com")
            created = client.create_session(user.token, "beh-1", mode="voice")
        room = Room(created.room_url(user.token))
        headers = {"X-API-Key": service.api_key, **JSON}
        url = f"{service.base_url}/v1/users"

        refused = [
            httpx.post(url, headers=headers, content=nested(100_000)),
            httpx.post(url, headers=headers, content=chunks(2_600_000)),
            post_board(room, chunks(2_600_000)),
        ]
        # A moment of noise passes the silence check: the decoder then works
        # through half a minute of silence, which once logged megabytes.
        silence_then_noise = wav_of(b"\0\0" * 16_000 * 30 + hiss(0.3, rms=2000))
        heard = [
            room.post_bytes("transcribe", wav, "audio/wav")
            for wav in [MEGABYTE_OF_SILENCE, silence_then_noise, MEGABYTE_OF_SILENCE]
        ]

    assert [r.status_code for r in refused] == [400, 413, 413]
    assert [r.status_code for r in heard] == [200, 200, 200]
    assert heard[0].json()["text"] == heard[2].json()["text"] == ""
    assert log.read_text() == ""
