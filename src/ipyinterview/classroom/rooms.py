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
    # The same public state that InterviewRoom.start() leaves behind, for a
    # session the classroom already created.
    room.interview_id = assignment.interview_id
    room.session = assignment.created.session
    room.session_id = assignment.session_id
    room.room_url = assignment.room_url()
    room.status = "active"

    def opened(event: dict[str, object]) -> None:
        if event.get("sessionId") == assignment.session_id:
            on_opened(assignment.session_id)

    room.on("interviewLoaded", opened)
    return room
