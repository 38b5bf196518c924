"""Turn sessions and their reports into pandas DataFrames.

Pure functions: no I/O. Each frame has a declared schema (column order and
nullable dtypes); empty input gives an empty frame with the full schema, and
missing data (an active session, a report without questions) gives NA, never
an error.

- :func:`sessions_frame`: one row per session.
- :func:`skills_frame`: one row per (session, skill).
- :func:`questions_frame`: one row per (session, question).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .models import Catalogue, Session

SessionLike = Session | Mapping[str, Any]

UTC = "datetime64[ns, UTC]"

SESSIONS_SCHEMA: dict[str, str] = {
    "session_id": "string",
    "user_id": "string",
    "interview_id": "string",
    "track": "string",
    "level": "string",
    "kind": "string",
    "persona_id": "string",
    "mode": "string",
    "grade": "string",
    "status": "string",
    "score": "Int64",
    "verdict": "string",
    "created_at": UTC,
    "completed_at": UTC,
    "duration_s": "Float64",
}

SKILLS_SCHEMA: dict[str, str] = {
    "session_id": "string",
    "skill": "string",
    "score": "Int64",
}

QUESTIONS_SCHEMA: dict[str, str] = {
    "session_id": "string",
    "position": "Int64",
    "question": "string",
    "answer": "string",
    "score": "Int64",
}


def _session(item: SessionLike) -> Session:
    if isinstance(item, Session):
        return item
    document = item.get("session", item) if isinstance(item, Mapping) else item
    return Session.model_validate(document)


def _frame(rows: list[dict[str, Any]], schema: dict[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(schema))
    for column, dtype in schema.items():
        if dtype == UTC:
            frame[column] = pd.to_datetime(frame[column], utc=True).astype(dtype)
        else:
            frame[column] = frame[column].astype(dtype)
    return frame


def sessions_frame(
    sessions: Iterable[SessionLike], *, catalogue: Catalogue | None = None
) -> pd.DataFrame:
    """Return one row per session; ``catalogue`` fills track, level and kind."""
    rows = []
    for item in sessions:
        session = _session(item)
        interview = track = None
        if catalogue is not None and session.interview_id:
            track = catalogue.track_of(session.interview_id)
            try:
                interview = catalogue.interview(session.interview_id)
            except KeyError:
                interview = None
        feedback = session.feedback
        created, completed = session.created_at, session.completed_at
        rows.append(
            {
                "session_id": session.id,
                "user_id": session.user_id,
                "interview_id": session.interview_id,
                "track": track.id if track else None,
                "level": interview.level if interview else None,
                "kind": interview.kind if interview else None,
                "persona_id": session.persona_id,
                "mode": session.mode,
                "grade": session.grade,
                "status": session.status,
                "score": session.score
                if session.score is not None
                else (feedback.score if feedback else None),
                "verdict": feedback.verdict if feedback else None,
                "created_at": created,
                "completed_at": completed,
                "duration_s": (completed - created).total_seconds()
                if created and completed
                else None,
            }
        )
    return _frame(rows, SESSIONS_SCHEMA)


def skills_frame(sessions: Iterable[SessionLike]) -> pd.DataFrame:
    """Return one row per skill of each session's report (long format)."""
    rows = []
    for item in sessions:
        session = _session(item)
        for skill in session.feedback.skills if session.feedback else ():
            rows.append(
                {"session_id": session.id, "skill": skill.name, "score": skill.score}
            )
    return _frame(rows, SKILLS_SCHEMA)


def questions_frame(sessions: Iterable[SessionLike]) -> pd.DataFrame:
    """Return one row per question of each session's report (long format)."""
    rows = []
    for item in sessions:
        session = _session(item)
        questions = session.feedback.questions if session.feedback else ()
        for position, question in enumerate(questions, start=1):
            rows.append(
                {
                    "session_id": session.id,
                    "position": position,
                    "question": question.q,
                    "answer": question.answer,
                    "score": question.score,
                }
            )
    return _frame(rows, QUESTIONS_SCHEMA)
