"""Who may use a room, and how its endpoints change a session.

A room page gets a short-lived credential (:func:`room_token`), an HMAC of
the session id and an expiry under the service's secret; the page sends it in
the X-Room-Token header of every call and :func:`authorized_session` checks
it. :func:`update_session` is the one way room endpoints change a session's
state: read, changed and written back under a row lock.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Header, Request

from .content import InterviewContent
from .db import sessions
from .errors import ApiError
from .sessions import add_turns


def _sign(secret: bytes, session_id: str, expires: int) -> str:
    message = f"{session_id}.{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def room_token(request: Request, session_id: str) -> str:
    """Return a room credential for the session, valid for a limited time."""
    expires = int(time.time()) + request.app.state.settings.room_token_seconds
    return f"{expires}.{_sign(request.app.state.secret, session_id, expires)}"


#: A room credential: its expiry (Unix seconds, ASCII digits) and a hex HMAC.
ROOM_TOKEN = re.compile(r"([0-9]{1,12})\.([0-9a-f]{64})")


def _check_room_token(request: Request, session_id: str, token: str | None) -> None:
    # Parsed strictly before any use: str.isdigit() admits "²", which int()
    # refuses, and compare_digest() refuses non-ASCII text.
    found = ROOM_TOKEN.fullmatch(token or "")
    ok = found is not None and hmac.compare_digest(
        found[2], _sign(request.app.state.secret, session_id, int(found[1]))
    )
    if not ok or found is None:
        raise ApiError(401, "invalid_room_token", "reload the room from its embed URL")
    if int(found[1]) < time.time():
        raise ApiError(
            401, "room_token_expired", "the room was open too long; reload it"
        )


def authorized_session(
    request: Request, session_id: str, room_token: str | None
) -> Any:
    """Return the session's row once the room credential is valid for it.

    Raises:
        ApiError: 401 for a missing, forged or expired credential; 404 when
            there is no such session.
    """
    _check_room_token(request, session_id, room_token)
    row = request.app.state.store.session(session_id)
    if row is None:
        raise ApiError(404, "session_not_found", f"no session {session_id!r}")
    return row


def session_content(request: Request, row: Any) -> InterviewContent:
    """Return the interview a session's row is of."""
    return request.app.state.library.interviews[row.interview_id]


#: The X-Room-Token header of a room endpoint, checked by authorized_session.
RoomToken = Annotated[str | None, Header(alias="X-Room-Token")]


# A session read to be changed and written back: locked until the commit, so two
# service processes on one PostgreSQL database cannot both change the same
# state and have one write over the other. (SQLite's write transactions hold
# the whole database already; SQLAlchemy leaves FOR UPDATE out there.)
SESSION_FOR_UPDATE = (
    sa.select(sessions).where(sessions.c.id == sa.bindparam("id")).with_for_update()
)


def update_session(request: Request, session_id: str, step: Any) -> Any:
    """Apply ``step(state, content)`` to the session atomically; persist its turns."""
    store = request.app.state.store
    with store.transaction() as conn:
        row = conn.execute(SESSION_FOR_UPDATE, {"id": session_id}).one()
        if row.status == "completed":
            raise ApiError(409, "session_completed", "this interview is finished")
        state = dict(row.state)
        new_turns = step(state, session_content(request, row))
        add_turns(conn, session_id, new_turns)
        conn.execute(
            sessions.update().where(sessions.c.id == session_id).values(state=state)
        )
        return conn.execute(
            sa.select(sessions).where(sessions.c.id == session_id)
        ).one()
