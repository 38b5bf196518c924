"""Simulated candidates: take an interview through the room's HTTP API.

For demos, notebooks and tests of the local service. A candidate has an
``ability`` between 0 and 1: the chance that their code is a correct solution
rather than a known wrong one, and the share of each question's key points
their answers name. The report then comes from the real grader, as it would
for a person in the room.
"""

from __future__ import annotations

import json
import random
import re
from functools import cache
from typing import Any

import httpx

from .content import InterviewContent, Library, Question, load_library

_CONFIG = re.compile(r'id="room-config" type="application/json">(.*?)</script>', re.S)
FILLER = "I think it depends on the situation and I would look into it further."


@cache
def _library() -> Library:
    return load_library()


def sync_candidate(http: httpx.Client, group: str, number: int) -> str:
    """Sync candidate ``number`` of ``group`` as a user (``POST /v1/users``).

    ``http`` sends with the API key. Returns the user's token; syncing the
    same candidate again returns the same user.
    """
    response = http.post(
        "/v1/users",
        json={
            "name": f"{group.title()} {number}",
            "email": f"{group}{number}@example.com",
            "externalId": f"{group}-{number}",
        },
    )
    response.raise_for_status()
    return str(response.json()["user"]["api"]["token"])


def answer(question: Question, ability: float, rng: random.Random) -> str:
    """Return an answer that names about ``ability`` of the question's key points."""
    if question.answer is not None:
        return question.answer if rng.random() < ability else "I am not sure, 0."
    points = [p[0] for p in question.key_points if rng.random() < ability]
    if not points:
        return FILLER
    return "My answer: " + "; ".join(points) + "."


def _code(
    content: InterviewContent, ability: float, rng: random.Random
) -> dict[str, Any]:
    problem = content.problem
    assert problem is not None
    language = next(iter(problem.solutions or problem.starter))
    wrong = [w.code for w in problem.wrong_solutions if w.language == language]
    good = problem.solutions.get(language, problem.starter[language])
    source = good if rng.random() < ability or not wrong else rng.choice(wrong)
    return {"language": language, "code": source, "submit": True}


def take_interview(
    room_url: str, *, ability: float, seed: int | None = None, max_steps: int = 40
) -> dict[str, Any]:
    """Take the interview of a room as a candidate of this ability, then finish it.

    Args:
        room_url: the room's address with the user's token
            (``CreatedSession.room_url(token)``).
        ability: 0 (knows nothing) to 1 (answers everything well).
        seed: makes the candidate's choices repeatable.
        max_steps: the most answers given before finishing anyway.

    Returns:
        The room's final state (its ``session`` holds the report).

    Raises:
        httpx.HTTPStatusError: the room refused a call.
    """
    rng = random.Random(seed)
    with httpx.Client(timeout=60) as http:
        page = http.get(room_url)
        page.raise_for_status()
        found = _CONFIG.search(page.text)
        if found is None:
            raise ValueError(f"{room_url} is not a room page")
        config = json.loads(found.group(1))
        base = room_url.split("?")[0]
        http.headers["X-Room-Token"] = config["roomToken"]

        def call(method: str, path: str, body: Any = None) -> Any:
            response = http.request(method, f"{base}/{path}", json=body)
            response.raise_for_status()
            return response.json()

        state = call("GET", "state")
        content = _library().interviews[state["interview"]["id"]]
        questions = content.questions_by_id
        if content.problem is not None:
            state = call("POST", "run", _code(content, ability, rng))["state"]
        for _ in range(max_steps):
            if state["done"]:
                break
            asked = [
                t["data"]["questionId"]
                for t in state["turns"]
                if t["role"] == "interviewer" and (t["data"] or {}).get("questionId")
            ]
            question = questions.get(asked[-1]) if asked else None
            text = answer(question, ability, rng) if question else FILLER
            state = call("POST", "answer", {"text": text})
        return call("POST", "finish")
