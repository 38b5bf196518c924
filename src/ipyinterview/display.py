"""HTML views of reports for notebooks (``Session._repr_html_``).

Everything the candidate or the catalogue wrote is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Session

_STYLE = (
    "font-family:system-ui,sans-serif;border:1px solid #d9dee7;border-radius:8px;"
    "padding:0.8rem 1rem;max-width:40rem"
)


def _bar(name: str, score: int | None) -> str:
    width = max(0, min(100, score or 0))
    value = "–" if score is None else str(score)
    return (
        '<tr><td style="padding-right:0.8rem">'
        f"{escape(name)}</td>"
        '<td style="width:60%"><div style="background:#e8ebf1;border-radius:4px">'
        f'<div style="width:{width}%;height:0.55rem;background:#2f6fde;'
        'border-radius:4px">'
        "</div></div></td>"
        f'<td style="text-align:right;padding-left:0.6rem">{value}</td></tr>'
    )


def _list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    entries = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<h4 style='margin:0.6rem 0 0.2rem'>{escape(title)}</h4><ul>{entries}</ul>"


def report_html(session: Session) -> str:
    """Return a report card: score, verdict, per-skill bars, strengths, improvements."""
    feedback = session.feedback
    title = escape(session.interview_id or "interview")
    if feedback is None:
        return (
            f'<div style="{_STYLE}"><b>{title}</b> · session {escape(session.id)}: '
            f"{escape(session.status)}, no report yet.</div>"
        )
    score = session.score if session.score is not None else feedback.score
    bars = "".join(_bar(skill.name, skill.score) for skill in feedback.skills)
    return (
        f'<div style="{_STYLE}">'
        f'<div style="color:#5d6675">{title} · session {escape(session.id)}</div>'
        f'<div style="font-size:2.2rem;font-weight:700;color:#2f6fde">'
        f"{'–' if score is None else score}</div>"
        f"<p>{escape(feedback.verdict or '')}</p>"
        f"<table style='width:100%;border-collapse:collapse'>{bars}</table>"
        f"{_list('Strengths', feedback.strengths)}"
        f"{_list('To improve', feedback.improvements)}"
        "</div>"
    )
