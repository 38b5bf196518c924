"""Look-ups in the loaded catalogue that answer API errors when they miss."""

from __future__ import annotations

from .content import InterviewContent, Library
from .errors import ApiError


def interview_or_404(library: Library, interview_id: str) -> InterviewContent:
    """Return the interview's content.

    Raises:
        ApiError: 404 naming a few interviews that exist.
    """
    content = library.interviews.get(interview_id)
    if content is None:
        known = ", ".join(list(library.interviews)[:10])
        raise ApiError(
            404,
            "interview_not_found",
            f"no interview {interview_id!r}; "
            "GET /v1/ai-interviewer/catalogue lists them "
            f"(for example: {known})",
        )
    return content
