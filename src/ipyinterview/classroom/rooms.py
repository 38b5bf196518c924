"""A student's interview room: the InterviewRoom widget on an assigned session."""

from __future__ import annotations

from collections.abc import Callable

from ..client import Client
from ..widget import InterviewRoom
from .core import Assignment


def open_room(
    client: Client,
    assignment: Assignment,
    *,
    on_opened: Callable[[str], object],
) -> InterviewRoom:
    """Return an InterviewRoom showing the assignment's session (none is created).

    Args:
        client: the classroom's client.
        assignment: the student's assignment.
        on_opened: called with the session id when the room reports loading.
    """
    room = InterviewRoom(
        client=client,
        user_token=assignment.user_token,
        persona=assignment.persona,
        mode=assignment.mode,
        grade=assignment.grade,
    )
    room.interview_id = assignment.interview_id
    room.open_session(assignment.created)

    def opened(event: dict[str, object]) -> None:
        if event.get("sessionId") == assignment.session_id:
            on_opened(assignment.session_id)

    room.on("interviewLoaded", opened)
    return room
