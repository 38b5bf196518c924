"""Sessions and their reports (the ``feedback`` of a completed session)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from ._base import WireModel


class SkillScore(WireModel):
    """The score (0-100) of one skill the interview assesses."""

    name: str
    score: int | None = None


class QuestionFeedback(WireModel):
    """One question as asked, the candidate's answer and its score (0-100)."""

    q: str
    answer: str | None = None
    score: int | None = None


class Feedback(WireModel):
    """The report of a completed session."""

    score: int | None = None
    verdict: str | None = None
    strengths: list[str] = Field(default_factory=list)
    improvements: list[str] = Field(default_factory=list)
    skills: list[SkillScore] = Field(default_factory=list)
    questions: list[QuestionFeedback] = Field(default_factory=list)


class Session(WireModel):
    """An interview session; ``feedback`` is set once it is completed.

    ``status`` is ``"active"`` while the interview runs and ``"completed"`` once
    its report is ready.
    """

    id: str = Field(alias="_id")
    interview_id: str | None = None
    status: str = "active"
    score: int | None = None
    feedback: Feedback | None = None
    persona_id: str | None = None
    mode: str | None = None
    grade: str | None = None
    user_id: str | None = None
    created_at: datetime | None = None
    completed_at: datetime | None = None

    @property
    def completed(self) -> bool:
        """Return whether the report is ready."""
        return self.status == "completed"

    def _repr_html_(self) -> str:
        from ..display import report_html

        return report_html(self)


class SessionEnvelope(WireModel):
    """The response of GET /v1/ai-interviewer/sessions/{id}."""

    status: str = "success"
    session: Session


class CreatedSession(WireModel):
    """The response of POST /v1/ai-interviewer/sessions.

    ``embed_url`` is the room's address without the user token; the widget and
    :meth:`room_url` add it.
    """

    status: str = "success"
    session: Session
    embed_url: str

    def room_url(self, user_token: str, *, events: bool = True) -> str:
        """Return the iframe address for the user: embed URL plus token."""
        from urllib.parse import urlencode

        query = {"userApiToken": user_token}
        if events:
            query["interviewEvents"] = "true"
        sep = "&" if "?" in self.embed_url else "?"
        return f"{self.embed_url}{sep}{urlencode(query)}"


class CreateSessionRequest(WireModel):
    """The body of POST /v1/ai-interviewer/sessions."""

    interview_id: str
    persona_id: str = "maya"
    mode: str = "voice"
    grade: str | None = None
