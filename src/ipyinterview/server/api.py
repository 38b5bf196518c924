"""The /v1 HTTP API: catalogue, users, plans and sessions."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Header, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..models import MODES, Catalogue, CreatedSession, SessionEnvelope, WireModel
from ..models import User as UserDocument
from .auth import Account, User, get_store
from .bodies import RequestBody
from .db import new_id, users, utcnow
from .errors import ApiError, error_responses
from .library import interview_or_404
from .sessions import create_session_row, session_document

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1")


class _Body(RequestBody):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class UserIn(_Body):
    """A user of your application to sync."""

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(min_length=3, max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")
    external_id: str | None = Field(default=None, max_length=200)
    picture: str | None = Field(default=None, max_length=2000)
    thumbnail: str | None = Field(default=None, max_length=2000)


class PlanIn(_Body):
    """The plan to assign to the user of X-User-Token."""

    plan: str = Field(min_length=1, max_length=64)


class SessionIn(_Body):
    """The interview to start for the user of X-User-Token."""

    interview_id: str = Field(min_length=1, max_length=100)
    persona_id: str = Field(default="maya", max_length=64)
    mode: str = Field(default="voice", max_length=16)
    grade: str | None = Field(default=None, max_length=64)


class UserEnvelope(WireModel):
    """The response of POST /v1/users and PUT /v1/users/plan."""

    status: str = "success"
    user: UserDocument


def user_document(row: sa.Row[Any]) -> JSONResponse:
    """Return the wire form of a user, with its api.token."""
    doc = {
        "_id": row.id,
        "name": row.name,
        "email": row.email,
        "externalId": row.external_id,
        "picture": row.picture,
        "thumbnail": row.thumbnail,
        "plan": row.plan,
        "api": {"token": row.token},
    }
    return {k: v for k, v in doc.items() if v is not None}


@router.get(
    "/ai-interviewer/catalogue",
    tags=["catalogue"],
    response_model=Catalogue,
    responses=error_responses(401),
)
async def read_catalogue(request: Request, _account: Account) -> JSONResponse:
    """Return the tracks, the interviews per track and the personas."""
    return JSONResponse(request.app.state.catalogue)


@router.post(
    "/users",
    tags=["users"],
    response_model=UserEnvelope,
    responses=error_responses(400, 401, 409, 413),
)
def sync_user(request: Request, body: UserIn, account: Account) -> JSONResponse:
    """Create the user, or return the same user when synced again.

    A user is the same when its externalId (or, without one, its email)
    matches a user of this account.
    """
    store = get_store(request)
    match = (
        users.c.external_id == body.external_id
        if body.external_id
        else users.c.email == body.email
    )
    query = sa.select(users).where(users.c.account_id == account.id, match)
    for attempt in range(2):
        try:
            with store.transaction() as conn:
                row = conn.execute(query).first()
                if row is None:
                    conn.execute(
                        users.insert().values(
                            id=new_id(),
                            account_id=account.id,
                            token=new_id(24),
                            name=body.name,
                            email=body.email,
                            external_id=body.external_id,
                            picture=body.picture,
                            thumbnail=body.thumbnail,
                            plan=request.app.state.settings.default_plan,
                            created_at=utcnow(),
                        )
                    )
                else:
                    conn.execute(
                        users.update()
                        .where(users.c.id == row.id)
                        .values(
                            name=body.name,
                            picture=body.picture,
                            thumbnail=body.thumbnail,
                        )
                    )
                row = conn.execute(query).one()
            break
        except sa.exc.IntegrityError as err:
            # The same user synced concurrently: the other insert won; read it.
            if attempt:
                raise ApiError(
                    409,
                    "user_conflict",
                    "another user of this account has that email or externalId",
                ) from err
    return JSONResponse({"status": "success", "user": user_document(row)})


@router.put(
    "/users/plan",
    tags=["users"],
    response_model=UserEnvelope,
    responses=error_responses(400, 401, 403, 413),
)
def set_plan(request: Request, body: PlanIn, user: User) -> JSONResponse:
    """Assign a plan (and so a daily interview quota) to the user."""
    plans = request.app.state.settings.plans
    if body.plan not in plans:
        raise ApiError(
            400,
            "unknown_plan",
            f"plan {body.plan!r} does not exist; choose one of: {', '.join(plans)}",
        )
    store = get_store(request)
    with store.transaction() as conn:
        conn.execute(users.update().where(users.c.id == user.id).values(plan=body.plan))
        row = conn.execute(sa.select(users).where(users.c.id == user.id)).one()
    return JSONResponse({"status": "success", "user": user_document(row)})


@router.post(
    "/ai-interviewer/sessions",
    tags=["sessions"],
    response_model=CreatedSession,
    responses=error_responses(400, 401, 402, 403, 404, 413, 429),
)
async def create_session(
    request: Request,
    body: SessionIn,
    account: Account,
    user: User,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JSONResponse:
    """Start a session of an interview for the user; it consumes credits and quota."""
    library = request.app.state.library
    content = interview_or_404(library, body.interview_id)
    if library.persona(body.persona_id) is None:
        known = ", ".join(p.id for p in library.personas)
        raise ApiError(
            400,
            "unknown_persona",
            f"persona {body.persona_id!r} does not exist; use {known}",
        )
    if body.mode not in MODES:
        raise ApiError(400, "unknown_mode", f"mode must be one of {', '.join(MODES)}")
    grades = content.grades
    if grades and body.grade not in grades:
        code = "grade_required" if body.grade is None else "unknown_grade"
        raise ApiError(
            400,
            code,
            f"interview {content.id!r} needs a grade, one of: {', '.join(grades)}",
        )

    row = await get_store(request).write(
        create_session_row,
        request.app.state,
        account=account,
        user=user,
        content=content,
        persona_id=body.persona_id,
        mode=body.mode,
        grade=body.grade if grades else None,
        idempotency_key=idempotency_key,
    )
    embed = str(request.url_for("room_page", session_id=row.id))
    session = {"_id": row.id, "interviewId": row.interview_id, "status": row.status}
    return JSONResponse({"status": "success", "session": session, "embedUrl": embed})


@router.get(
    "/ai-interviewer/sessions/{session_id}",
    tags=["sessions"],
    response_model=SessionEnvelope,
    responses=error_responses(401, 403, 404),
)
async def read_session(request: Request, session_id: str, user: User) -> JSONResponse:
    """Return the session with its report once completed (only to its own user)."""
    # On the event loop, not a worker thread: one indexed read by primary key
    # costs less than the hop to a thread, and this is the hottest endpoint.
    row = get_store(request).session(session_id)
    if row is None or row.user_id != user.id:
        raise ApiError(
            404,
            "session_not_found",
            f"no session {session_id!r} for this user; "
            "check the id and the X-User-Token",
        )
    return JSONResponse({"status": "success", "session": session_document(row)})
