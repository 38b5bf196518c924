"""The gradebook: one row per student, as grid rows, a DataFrame and CSV.

Pure functions, no I/O: the classroom and its grid fetch the sessions and
hand them here.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from ..models import Session
from .roster import Student

#: A student's progress, as the grid shows it.
STATUSES = ("not started", "in progress", "finished")

#: Columns before the per-skill ones, with their dtypes.
SCHEMA: dict[str, str] = {
    "name": "string",
    "email": "string",
    "external_id": "string",
    "interview_id": "string",
    "status": "string",
    "score": "Int64",
    "verdict": "string",
    "completed_at": "datetime64[ns, UTC]",
}

# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def status_of(session: Session | None, *, opened: bool) -> str:
    """Return "finished", "in progress" or "not started" for a student's session.

    The service does not say when a room was first opened, so a session counts
    as in progress once its room reported loading in this kernel (``opened``).
    """
    if session is not None and session.completed:
        return "finished"
    return "in progress" if opened else "not started"


def grid_row(
    student: Student, session: Session | None, *, opened: bool
) -> dict[str, Any]:
    """Return the grid's row for a student: no email and no token, only progress."""
    feedback = session.feedback if session is not None else None
    score = session.score if session is not None else None
    if score is None and feedback is not None:
        score = feedback.score
    return {
        "key": student.external_id,
        "name": student.name,
        "status": status_of(session, opened=opened),
        "score": score,
        "verdict": (feedback.verdict if feedback else None) or "",
        "skills": {s.name: s.score for s in feedback.skills} if feedback else {},
    }


def skill_names(rows: list[dict[str, Any]]) -> list[str]:
    """Return the skills seen in the rows, in order of first appearance."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row["skills"]))
    return list(names)


def gradebook_frame(
    students: list[Student],
    rows: list[dict[str, Any]],
    sessions: dict[str, Session],
) -> pd.DataFrame:
    """Return the gradebook: the schema's columns, then one Int64 column per skill.

    Args:
        students: the roster, in its order.
        rows: grid rows (see :func:`grid_row`), matched to students by key.
        sessions: each student's latest session, by external id.
    """
    by_key = {row["key"]: row for row in rows}
    skills = skill_names(rows)
    records = []
    for student in students:
        row = by_key.get(student.external_id)
        session = sessions.get(student.external_id)
        records.append(
            {
                "name": student.name,
                "email": student.email,
                "external_id": student.external_id,
                "interview_id": session.interview_id if session else None,
                "status": row["status"] if row else STATUSES[0],
                "score": row["score"] if row else None,
                "verdict": (row["verdict"] or None) if row else None,
                "completed_at": session.completed_at if session else None,
                **{skill: (row or {}).get("skills", {}).get(skill) for skill in skills},
            }
        )
    schema = {**SCHEMA, **dict.fromkeys(skills, "Int64")}
    frame = pd.DataFrame(records, columns=list(schema))
    frame["completed_at"] = pd.to_datetime(frame["completed_at"], utc=True)
    return frame.astype(schema)


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def gradebook_csv(frame: pd.DataFrame) -> str:
    """Return the gradebook as CSV text, safe to open in a spreadsheet.

    Text that a spreadsheet would run as a formula (a name starting with
    ``=``, say) is prefixed with a quote, so it is shown, not run.
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == "string":
            safe[column] = safe[column].map(_cell, na_action="ignore")
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    return buffer.getvalue()


__all__ = [
    "SCHEMA",
    "STATUSES",
    "gradebook_csv",
    "gradebook_frame",
    "grid_row",
    "skill_names",
    "status_of",
]
