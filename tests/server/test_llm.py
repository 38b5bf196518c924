"""The optional LLM interviewer, against a small local fake chat endpoint."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ipyinterview import Client
from ipyinterview.server import LocalService

from ..helpers import Room

FOLLOW_UP = "What breaks first when the cache is cold?"


class FakeChat:
    """An OpenAI-compatible /chat/completions that answers from a script."""

    def __init__(
        self, score_reply: str = '{"score": 93, "reason": "covers it"}'
    ) -> None:
        self.score_reply = score_reply
        self.requests: list[dict[str, Any]] = []

    async def completions(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(
            {"body": body, "auth": request.headers.get("authorization")}
        )
        system = body["messages"][0]["content"]
        content = FOLLOW_UP if "bar raiser" in system else self.score_reply
        return JSONResponse(
            {"choices": [{"message": {"role": "assistant", "content": content}}]}
        )


@pytest.fixture
def fake_chat() -> Iterator[tuple[FakeChat, str]]:
    chat = FakeChat()
    app = Starlette(
        routes=[Route("/v1/chat/completions", chat.completions, methods=["POST"])]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, daemon=True
    )
    thread.start()
    while not server.started:
        time.sleep(0.01)
    yield chat, f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def llm_service(fake_chat, monkeypatch, tmp_path) -> Iterator[LocalService]:  # type: ignore[no-untyped-def]
    _chat, url = fake_chat
    monkeypatch.setenv("IPYINTERVIEW_LLM_BASE_URL", url)
    monkeypatch.setenv("IPYINTERVIEW_LLM_MODEL", "fake-model")
    monkeypatch.setenv("IPYINTERVIEW_LLM_API_KEY", "llm-secret")
    with LocalService(db_path=tmp_path / "llm.db") as service:
        yield service


def sit(service: LocalService, persona: str) -> tuple[Room, Client, Any, Any]:
    client = Client(service.api_key, service.base_url)
    user = client.create_user("Lu", "lu@example.com", external_id=f"llm-{persona}")
    created = client.create_session(user.token, "sd-1", persona_id=persona, mode="chat")
    room = Room(created.room_url(user.token))
    room.get("state")
    return room, client, user, created


def test_the_bar_raiser_asks_the_llms_follow_up(llm_service, fake_chat) -> None:  # type: ignore[no-untyped-def]
    chat, _url = fake_chat
    room, client, _user, _created = sit(llm_service, "leo")

    turns = room.post("answer", {"text": "Shorten, redirect, read heavy."}).json()[
        "turns"
    ]
    client.close()

    assert turns[-1]["text"] == FOLLOW_UP
    assert chat.requests[0]["body"]["model"] == "fake-model"
    assert chat.requests[0]["auth"] == "Bearer llm-secret"


def test_free_text_answers_are_scored_by_the_llm(llm_service) -> None:  # type: ignore[no-untyped-def]
    room, client, user, created = sit(llm_service, "alex")
    room.post("answer", {"text": "Create short codes and redirect, mostly reads."})

    room.post("finish")
    questions = client.get_session(user.token, created.session.id).feedback.questions
    client.close()

    assert questions[0].score == 93
    assert questions[1].answer is None
    assert questions[1].score == 0, "unanswered questions are not sent to the LLM"


def test_an_llm_reply_that_is_not_a_score_falls_back_to_the_built_in_grader(
    llm_service, fake_chat
) -> None:  # type: ignore[no-untyped-def]
    chat, _url = fake_chat
    chat.score_reply = "I think it is pretty good!"
    room, client, user, created = sit(llm_service, "alex")
    room.post("answer", {"text": "Create short codes and redirect, mostly reads."})

    room.post("finish")
    score = (
        client.get_session(user.token, created.session.id).feedback.questions[0].score
    )
    client.close()

    assert score is not None
    assert score != 93
