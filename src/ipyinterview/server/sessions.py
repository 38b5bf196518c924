"""Creating sessions (credits, quotas, idempotency) and their wire form."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa

from . import engine
from .auth import Principal, UserRef
from .content import InterviewContent
from .db import accounts, new_id, sessions, turns, users, utcnow
from .errors import ApiError


def next_utc_midnight(now: datetime) -> datetime:
    """Return the start of the next UTC day (when daily quotas reset)."""
    day = now.astimezone(timezone.utc).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return day + timedelta(days=1)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they are UTC.
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat().replace("+00:00", "Z")


# The statements of a create, built once: building one costs more CPU than
# SQLite spends running it (a third of a create in bench/load.py), while a
# built statement's compiled form is cached with it.
_CHARGE = (
    accounts.update()
    .where(
        accounts.c.id == sa.bindparam("account"),
        accounts.c.credits >= sa.bindparam("cost"),
    )
    .values(credits=accounts.c.credits - sa.bindparam("cost"))
    .returning(accounts.c.credits)
)
_CREDITS = sa.select(accounts.c.credits).where(accounts.c.id == sa.bindparam("account"))
_PLAN = sa.select(users.c.plan).where(users.c.id == sa.bindparam("user"))
_USED_TODAY = (
    sa.select(sa.func.count())
    .select_from(sessions)
    .where(
        sessions.c.user_id == sa.bindparam("user"),
        sessions.c.created_at >= sa.bindparam("since"),
    )
)
_BY_IDEMPOTENCY_KEY = sa.select(sessions).where(
    sessions.c.account_id == sa.bindparam("account"),
    sessions.c.idempotency_key == sa.bindparam("key"),
)
_INSERT = sessions.insert().returning(sessions)


def create_session_row(
    state: Any,
    *,
    account: Principal,
    user: UserRef,
    content: InterviewContent,
    persona_id: str,
    mode: str,
    grade: str | None,
    idempotency_key: str | None,
) -> sa.Row[Any]:
    """Create a session, charging credits and quota in one transaction.

    A repeated ``idempotency_key`` returns the session it created first and
    charges nothing.

    Raises:
        ApiError: 402 when the account has too few credits; 429 when the
            user's daily quota is used up.
    """
    settings = state.settings
    now = utcnow()
    with state.store.transaction() as conn:
        if idempotency_key:
            first = conn.execute(
                _BY_IDEMPOTENCY_KEY, {"account": account.id, "key": idempotency_key}
            ).first()
            if first is not None:
                return first

        # Charged first, in one conditional update: a refusal below (quota)
        # raises, and the rollback gives the credit back.
        charged = conn.execute(
            _CHARGE, {"account": account.id, "cost": settings.session_cost}
        ).first()
        if charged is None:
            credits = conn.execute(_CREDITS, {"account": account.id}).scalar_one()
            raise ApiError(
                402,
                "insufficient_credits",
                f"the API account has {credits} credits and a session costs "
                f"{settings.session_cost}; add credits to the account",
            )

        plan = conn.execute(_PLAN, {"user": user.id}).scalar_one()
        quota = settings.plans.get(plan)
        if quota is not None:
            day_start = next_utc_midnight(now) - timedelta(days=1)
            used = conn.execute(
                _USED_TODAY, {"user": user.id, "since": day_start}
            ).scalar_one()
            if used >= quota:
                resets = next_utc_midnight(now)
                raise ApiError(
                    429,
                    "quota_exceeded",
                    f"the user's plan {plan!r} allows {quota} interview(s) "
                    f"a day and they are used; it resets at {_iso(resets)}, "
                    "or assign a bigger plan with PUT /v1/users/plan",
                    resetsAt=_iso(resets),
                    # Clients that honour Retry-After see the wait is long.
                    headers={
                        "Retry-After": str(int((resets - now).total_seconds()) + 1)
                    },
                )

        initial = engine.initial_state(content, grade=grade, persona_id=persona_id)
        return conn.execute(
            _INSERT,
            {
                "id": new_id(),
                "account_id": account.id,
                "user_id": user.id,
                "interview_id": content.id,
                "persona_id": persona_id,
                "mode": mode,
                "grade": grade,
                "status": "active",
                "state": initial,
                "created_at": now,
                "idempotency_key": idempotency_key,
            },
        ).one()


def session_document(row: sa.Row[Any]) -> dict[str, Any]:
    """Return the wire form of a session, with its report once completed."""
    doc: dict[str, Any] = {
        "_id": row.id,
        "interviewId": row.interview_id,
        "personaId": row.persona_id,
        "mode": row.mode,
        "grade": row.grade,
        "status": row.status,
        "userId": row.user_id,
        "createdAt": _iso(row.created_at),
    }
    if row.status == "completed" and row.report is not None:
        doc["score"] = row.score
        doc["feedback"] = row.report
        doc["completedAt"] = _iso(row.completed_at)
    return {k: v for k, v in doc.items() if v is not None}


def add_turns(
    conn: sa.Connection, session_id: str, items: list[dict[str, Any]]
) -> None:
    """Append turns to a session's transcript."""
    now = utcnow()
    for item in items:
        conn.execute(
            turns.insert().values(
                session_id=session_id,
                role=item["role"],
                kind=item["kind"],
                text=item.get("text", ""),
                data=item.get("data"),
                created_at=now,
            )
        )
