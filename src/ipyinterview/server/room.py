"""The interview room: its page and the JSON endpoints the page calls.

The page is opened in an iframe with the user's token in its URL. It never
relies on cookies (a third-party iframe may not get them): the page receives a
short-lived room credential, derived from the token it was opened with, and
sends it in the X-Room-Token header of every call.
"""

from __future__ import annotations

import html
import json
import re
from datetime import timezone
from pathlib import Path
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from pydantic import Field

from . import engine
from .bodies import RequestBody
from .content import InterviewContent
from .db import sessions, utcnow
from .errors import ApiError, error_responses
from .room_access import (
    SESSION_FOR_UPDATE,
    RoomToken,
    authorized_session,
    room_token,
    session_content,
    update_session,
)
from .room_runs import RunIn, run_code, run_while_connected
from .runner import LANGUAGES
from .sessions import add_turns, session_document

router = APIRouter(prefix="/embed/ai-interviewer", tags=["room"])
TEMPLATE = Path(__file__).parent / "templates" / "room.html"
_SLOT = re.compile(r"\{\{(title|config)\}\}")


class AnswerIn(RequestBody):
    """A message from the candidate."""

    text: str = Field(min_length=1, max_length=20_000)


def _page(title: str, config: dict[str, Any] | None, status: int) -> HTMLResponse:
    # One pass: a title that reads "{{config}}" stays a title. In the JSON, "<"
    # is escaped so no text can close the script element that holds it.
    values = {
        "title": html.escape(title),
        "config": json.dumps(config or {}).replace("<", "\\u003c"),
    }
    body = _SLOT.sub(lambda slot: values[slot.group(1)], TEMPLATE.read_text("utf-8"))
    return HTMLResponse(body, status_code=status)


#: The page's own errors are pages too (it is shown in an iframe); the error's
#: code is in the page's configuration, beside the message shown.
PAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid userApiToken.", "content": {"text/html": {}}},
    404: {
        "description": "No such session for this user.",
        "content": {"text/html": {}},
    },
}


@router.get(
    "/{session_id}",
    name="room_page",
    response_class=HTMLResponse,
    responses=PAGE_ERRORS,
)
def room_page(
    request: Request,
    session_id: str,
    user_api_token: Annotated[str | None, Query(alias="userApiToken")] = None,
    interview_events: Annotated[str | None, Query(alias="interviewEvents")] = None,
) -> HTMLResponse:
    """Serve the room for the session's own user (token in the URL)."""
    store = request.app.state.store
    user = store.user_for_token(user_api_token) if user_api_token else None
    row = store.session(session_id)
    if user is None:
        error = (
            "This room link has no valid userApiToken. Open it from your application."
        )
        return _page(
            "Interview room", {"error": error, "code": "invalid_user_token"}, 401
        )
    if row is None or row.user_id != user.id:
        error = "This interview does not exist for this user. Start a new one."
        return _page(
            "Interview room", {"error": error, "code": "session_not_found"}, 404
        )
    config = {
        "sessionId": session_id,
        "roomToken": room_token(request, session_id),
        "events": interview_events == "true",
        "mode": row.mode,
        # Offline first: recorded answers go to the service's own transcriber when
        # it has one; otherwise the browser's speech recognition, if any.
        "speech": "service" if request.app.state.transcriber else "browser",
    }
    return _page(session_content(request, row).title, config, 200)


def _room_state(request: Request, row: Any) -> dict[str, Any]:
    content = session_content(request, row)
    problem = None
    if content.problem is not None:
        languages = [lang for lang in LANGUAGES if lang in content.problem.starter]
        problem = {
            "title": content.problem.title,
            "statement": content.problem.statement,
            "languages": languages,
            "starter": {lang: content.problem.starter[lang] for lang in languages},
            "tests": [t.model_dump() for t in content.problem.tests.visible],
            "hiddenCount": len(content.problem.tests.hidden),
        }
    persona = request.app.state.library.persona(row.persona_id)
    turns = [
        {"role": t["role"], "kind": t["kind"], "text": t["text"], "data": t["data"]}
        for t in request.app.state.store.turns(row.id)
    ]
    return {
        "session": session_document(row),
        "interview": {
            "id": content.id,
            "title": content.title,
            "kind": content.kind,
            "mins": content.mins,
            "design": content.design is not None,
            "skills": content.skills,
            "problem": problem,
        },
        "persona": persona.to_wire() if persona else None,
        "turns": turns,
        "code": row.state.get("code"),
        "draft": row.state.get("draft", {}),
        "board": row.state.get("board", []),
        "done": engine.current_item(row.state) is None,
    }


@router.get("/{session_id}/state", responses=error_responses(401, 404))
def room_state(
    request: Request, session_id: str, x_room_token: RoomToken = None
) -> Any:
    """Return the room's state, starting the interview on first load."""
    row = authorized_session(request, session_id, x_room_token)
    if row.status == "active" and not row.state.get("started"):
        row = update_session(
            request, session_id, lambda state, content: engine.start(content, state)
        )
    return _room_state(request, row)


@router.post("/{session_id}/run", responses=error_responses(400, 401, 404, 409))
async def room_run(
    request: Request, session_id: str, body: RunIn, x_room_token: RoomToken = None
) -> Any:
    """Run the code against the visible tests (and the hidden ones on submit).

    A room's runs go one at a time; a run whose caller hangs up is cancelled.
    """
    row = authorized_session(request, session_id, x_room_token)
    content = session_content(request, row)
    run = await run_while_connected(
        request,
        session_id,
        lambda cancel: run_code(
            request, content, body, hidden=body.submit, cancel=cancel
        ),
    )
    if run is None:
        # Nobody reads this answer; the log shows why the run stopped.
        raise ApiError(400, "run_cancelled", "the caller left before the verdict")
    row = await run_in_threadpool(
        update_session,
        request,
        session_id,
        lambda state, content: engine.on_run(
            content, state, run, body.code, submit=body.submit
        ),
    )
    return {"run": run.to_dict(), "state": _room_state(request, row)}


@router.post("/{session_id}/answer", responses=error_responses(400, 401, 404, 409))
def room_answer(
    request: Request, session_id: str, body: AnswerIn, x_room_token: RoomToken = None
) -> Any:
    """Record the candidate's message; the interviewer answers."""
    row = authorized_session(request, session_id, x_room_token)
    # The LLM is asked before the write transaction, never while holding it.
    probe = _llm_follow_up(request, row, body.text)
    row = update_session(
        request,
        session_id,
        lambda state, content: engine.on_answer(
            content, state, body.text, follow_up=probe
        ),
    )
    return _room_state(request, row)


def _llm_follow_up(request: Request, row: Any, text: str) -> str | None:
    llm = request.app.state.llm
    item = engine.current_item(row.state)
    if llm is None or row.persona_id != "leo" or not item or item["type"] != "question":
        return None
    question = session_content(request, row).questions_by_id[item["id"]]
    if question.answer is not None:
        return None
    earlier = " ".join(row.state["answers"].get(question.id, []))
    return llm.follow_up(question, f"{earlier} {text}".strip())


def _llm_scores(
    request: Request, row: Any, content: InterviewContent
) -> dict[str, int]:
    llm = request.app.state.llm
    if llm is None:
        return {}
    questions = content.questions_by_id
    scores = {}
    for question_id, answers in row.state["answers"].items():
        question = questions.get(question_id)
        if question is None or question.answer is not None or not answers:
            continue
        score = llm.score(question, " ".join(answers))
        if score is not None:
            scores[question_id] = score
    return scores


@router.post("/{session_id}/finish", responses=error_responses(401, 404))
def room_finish(
    request: Request, session_id: str, x_room_token: RoomToken = None
) -> Any:
    """Grade the session and store its report; finishing twice changes nothing."""
    row = authorized_session(request, session_id, x_room_token)
    if row.status == "completed":
        return _room_state(request, row)
    content = session_content(request, row)
    code = row.state.get("code")
    final = None
    if content.problem is not None and code:
        final = run_code(
            request,
            content,
            RunIn(language=code["language"], code=code["source"]),
            hidden=True,
        )

    scores = _llm_scores(request, row, content)
    store = request.app.state.store
    with store.transaction() as conn:
        current = conn.execute(SESSION_FOR_UPDATE, {"id": session_id}).one()
        if current.status != "completed":
            report = engine.report(
                content, current.state, current.persona_id, final, scores=scores
            )
            add_turns(
                conn,
                session_id,
                [
                    {
                        "role": "system",
                        "kind": "finish",
                        "text": "",
                        "data": {"score": report["score"]},
                    }
                ],
            )
            conn.execute(
                sessions.update()
                .where(sessions.c.id == session_id)
                .values(
                    status="completed",
                    score=report["score"],
                    report=report,
                    completed_at=utcnow(),
                )
            )
        row = conn.execute(sa.select(sessions).where(sessions.c.id == session_id)).one()
    return _room_state(request, row)


@router.post("/{session_id}/timeup", responses=error_responses(401, 404, 409))
def room_time_up(
    request: Request, session_id: str, x_room_token: RoomToken = None
) -> Any:
    """Wrap up once the interview's minutes are spent (checked on the service)."""
    row = authorized_session(request, session_id, x_room_token)
    content = session_content(request, row)
    created = row.created_at.replace(tzinfo=row.created_at.tzinfo or timezone.utc)
    left = content.mins * 60 - (utcnow() - created).total_seconds()
    if left > 5:  # clocks differ a little; a room far ahead of time is refused
        raise ApiError(409, "time_left", f"{int(left)} seconds are left")
    row = update_session(
        request, session_id, lambda state, _content: engine.on_time_up(state)
    )
    return _room_state(request, row)
