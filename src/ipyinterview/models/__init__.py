"""Data types of the interviewer API, shared by the client and the local service.

Every model reads and writes the service's exact JSON keys (``_id``,
``interviewId``, ``hasProblem``, ``embedUrl`` ...) and keeps keys it does not
know, so a document survives a round trip unchanged.
"""

from __future__ import annotations

from ._base import WireModel
from .catalogue import MODES, Catalogue, Interview, Persona, Track
from .session import (
    CreatedSession,
    CreateSessionRequest,
    Feedback,
    QuestionFeedback,
    Session,
    SessionEnvelope,
    SkillScore,
)
from .user import User, UserApi

__all__ = [
    "MODES",
    "Catalogue",
    "CreateSessionRequest",
    "CreatedSession",
    "Feedback",
    "Interview",
    "Persona",
    "QuestionFeedback",
    "Session",
    "SessionEnvelope",
    "SkillScore",
    "Track",
    "User",
    "UserApi",
    "WireModel",
]
