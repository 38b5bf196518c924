"""The interview room under hostile input, driven over HTTP on 127.0.0.1.

Answers, drafts and code are generated (huge, binary, unicode of every kind)
and sent as the room's page would, and then some: wrong content types, broken
encodings, wrong or missing room tokens, a finished session. The room must
answer a clear 4xx with a machine code, never a 5xx, and keep what it stored:
the session reads back, and a later valid answer still works.

Below the generated tests, every input that once failed the service is kept
as a regression test of its own. IPYINTERVIEW_FUZZ=deep generates more.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipyinterview.server import engine

from ..helpers import Room

DEEP = os.environ.get("IPYINTERVIEW_FUZZ", "ci") == "deep"
ROOM_SETTINGS = settings(
    max_examples=300 if DEEP else 50,
    derandomize=not DEEP,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

#: Generated inputs sent, over this module's tests.
tally: Counter[str] = Counter()

#: Text people really type, and text that breaks naive handling of it.
AWKWARD = [
    "مرحبا بالعالم",  # right to left
    "abc \u202edcba\u202c",  # a right-to-left override mid-line
    "👩🏽‍💻 ✅ 🇫🇷",  # emoji with modifiers, a ZWJ sequence, a flag
    "e\u0301\u0301\u0301 Z\u0336\u0337\u0338",  # stacked combining marks
    "\ufeffBOM, \u200bzero width, \u00a0no-break",
    "line\r\nbreaks\rand\ttabs",
    "<script>alert(1)</script> {{title}} ' \" \\",
]


def answer_texts() -> st.SearchStrategy[str]:
    """Answers: any unicode text (no lone surrogates: JSON can't carry them)."""
    return st.one_of(
        st.sampled_from(AWKWARD),
        st.text(st.characters(codec="utf-8"), min_size=1, max_size=300),
        st.text(st.characters(codec="utf-8"), min_size=1).map(lambda t: t * 50),
    )


def assert_refused(response: httpx.Response, status: int, code: str) -> None:
    """Assert a clear error: this status, this code, a message saying what to do."""
    assert response.status_code == status, response.text[:300]
    body = response.json()
    assert body["status"] == "failed"
    assert body["code"] == code, body
    assert body["message"]


def assert_clear(response: httpx.Response) -> None:
    """Assert a success, or a 4xx in the error shape; never a server error."""
    assert response.status_code < 500, response.text[:300]
    if response.status_code >= 400:
        body = response.json()
        assert body["status"] == "failed"
        assert body["code"]
        assert body["message"]


def assert_still_usable(room: Room) -> None:
    """Assert the session reads back and takes a valid answer and draft."""
    state = room.get("state")
    assert state.status_code == 200, state.text[:300]
    assert state.json()["session"]["_id"] == room.config["sessionId"]
    answered = room.post("answer", {"text": "I would use a hash map."})
    assert answered.status_code == 200, answered.text[:300]
    assert answered.json()["turns"][-2]["text"] == "I would use a hash map."


@pytest.fixture(scope="module", autouse=True)
def _report_inputs(
    figures: ModuleType, request: pytest.FixtureRequest
) -> Iterator[None]:
    failed_before = request.session.testsfailed
    yield
    passed = request.session.testsfailed == failed_before
    profile = "deep" if DEEP else "ci"
    figures.record(
        "Fuzzing",
        f"Generated room inputs, {profile} profile (tests/server/test_fuzz_room.py)",
        tally["inputs"],
        target="no 5xx; nothing stored lost",
        met=passed and tally["inputs"] > 0,
    )


@pytest.fixture
def room(open_room: Callable[..., tuple[Any, Room]]) -> Room:
    return open_room("dsa-1")[1]


def test_generated_answers_and_drafts_are_kept_exactly(room: Room) -> None:
    @ROOM_SETTINGS
    @given(text=answer_texts())
    def send(text: str) -> None:
        tally["inputs"] += 1
        draft = room.post("draft", {"answer": text[:20_000], "code": text})
        assert_clear(draft)
        if draft.status_code == 200:
            kept = room.get("state").json()["draft"]
            assert kept["answer"] == text[:20_000]
            assert kept["code"] == text
        answered = room.post("answer", {"text": text})
        assert_clear(answered)
        if answered.status_code == 200:
            candidate = [
                t for t in answered.json()["turns"] if t["role"] == "candidate"
            ]
            assert candidate[-1]["text"] == text

    send()
    assert_still_usable(room)


def test_generated_code_runs_or_is_refused_clearly(room: Room) -> None:
    @settings(ROOM_SETTINGS, max_examples=40 if DEEP else 6)
    @given(
        code=answer_texts(),
        language=st.sampled_from(["python", "javascript", "cobol", "", "p\x00y"]),
    )
    def run(code: str, language: str) -> None:
        tally["inputs"] += 1
        assert_clear(room.post("run", {"language": language, "code": code}))

    run()
    assert_still_usable(room)


def test_generated_raw_bodies_are_refused_clearly(room: Room) -> None:
    @ROOM_SETTINGS
    @given(
        path=st.sampled_from(["answer", "draft", "run", "board", "integrity"]),
        body=st.binary(max_size=2000),
        content_type=st.sampled_from(
            ["application/json", "text/plain", "multipart/form-data", ""]
        ),
    )
    def post(path: str, body: bytes, content_type: str) -> None:
        tally["inputs"] += 1
        response = room.post_bytes(path, body, content_type)
        assert_clear(response)
        assert response.status_code >= 400 or path == "integrity"

    post()
    assert_still_usable(room)


def test_generated_room_tokens_are_refused(room: Room) -> None:
    # Any byte a header may carry: visible ASCII, spaces and tabs, and latin-1.
    header_byte = st.integers(0x20, 0xFF).filter(lambda b: b != 0x7F) | st.just(9)

    @ROOM_SETTINGS
    @given(token=st.lists(header_byte, max_size=120).map(bytes))
    def call(token: bytes) -> None:
        tally["inputs"] += 1
        token = token.strip(b" \t")
        headers = {"X-Room-Token": token} if token else {}
        base = room.base
        response = httpx.post(f"{base}/answer", headers=headers, json={"text": "hi"})
        assert_refused(response, 401, "invalid_room_token")

    call()
    assert_still_usable(room)


# Regressions: each input here once failed, or is the edge of a limit.


@pytest.mark.parametrize(
    "token",
    [
        "²²²².abc".encode("latin-1"),  # str.isdigit() is true, int() refuses it
        b"12." + "é".encode("latin-1") * 64,  # compare_digest() refuses non-ASCII
        b"99999999999999999999." + b"0" * 64,  # past any plausible expiry format
        b"",
    ],
)
def test_a_malformed_room_token_is_refused_not_a_server_error(
    room: Room, token: bytes
) -> None:
    headers = {"X-Room-Token": token} if token else {}
    response = httpx.get(f"{room.base}/state", headers=headers)
    assert_refused(response, 401, "invalid_room_token")


def test_a_room_token_of_another_session_is_refused(
    open_room: Callable[..., tuple[Any, Room]],
) -> None:
    first, second = open_room()[1], open_room()[1]
    response = httpx.get(f"{first.base}/state", headers=second.headers)
    assert_refused(response, 401, "invalid_room_token")


def test_answers_over_the_limit_are_refused_in_words(room: Room) -> None:
    assert_refused(room.post("answer", {"text": "x" * 20_001}), 400, "invalid_request")
    huge = room.post_bytes(
        "answer", json.dumps({"text": "x" * 2_000_000}).encode(), "application/json"
    )
    assert_refused(huge, 413, "body_too_large")
    assert_refused(room.post("run", {"code": "x" * 100_001}), 400, "invalid_request")
    assert_still_usable(room)


def test_nul_characters_are_refused_before_they_reach_the_store(room: Room) -> None:
    for path, body in [
        ("answer", {"text": "a\x00b"}),
        ("draft", {"code": "print(1)\x00"}),
        ("board", {"elements": [{"type": "text", "text": {"deep": ["\x00"]}}]}),
    ]:
        response = room.post(path, body)
        assert_refused(response, 400, "invalid_request")
        assert "NUL" in response.json()["message"]
    assert_still_usable(room)


def test_lone_surrogates_and_broken_utf8_are_refused(room: Room) -> None:
    escaped = b'{"text": "a\\ud800b"}'
    assert_refused(
        room.post_bytes("answer", escaped, "application/json"), 400, "invalid_request"
    )
    broken = b'{"text": "a\xff\xfeb"}'
    assert_refused(
        room.post_bytes("answer", broken, "application/json"), 400, "malformed_body"
    )
    assert_still_usable(room)


def test_a_method_the_room_does_not_take_says_which_it_does(room: Room) -> None:
    response = httpx.request("TRACE", f"{room.base}/answer", headers=room.headers)
    assert_refused(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"
    assert "POST" in response.json()["message"]


def test_a_finished_session_refuses_changes_and_keeps_its_report(room: Room) -> None:
    finished = room.post("finish")
    assert finished.status_code == 200
    report = finished.json()["session"]

    for path, body in [
        ("answer", {"text": "one more thing"}),
        ("draft", {"answer": "late"}),
        ("run", {"language": "python", "code": "x = 1"}),
        ("integrity", {"kind": "tab"}),
    ]:
        assert_refused(room.post(path, body), 409, "session_completed")
    again = room.get("state")
    assert again.status_code == 200
    assert again.json()["session"] == report


def test_an_unexpected_failure_is_a_json_500_that_logs_no_input(
    room: Room, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_content: Any, _state: Any, text: str, **_kwargs: Any) -> Any:
        raise ValueError(f"cannot record the answer {text!r}")

    monkeypatch.setattr(engine, "on_answer", broken)
    with caplog.at_level(logging.ERROR, logger="ipyinterview.server.errors"):
        response = room.post("answer", {"text": "secret-answer-text"})

    assert response.status_code == 500, response.text[:300]
    assert response.json()["code"] == "internal_error"
    assert response.headers["x-request-id"]
    assert "ValueError" in caplog.text
    assert "secret-answer-text" not in caplog.text
    monkeypatch.undo()
    assert_still_usable(room)
