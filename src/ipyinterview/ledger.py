"""The session ledger: a local record of every session this machine created.

:class:`~ipyinterview.Client` and :class:`~ipyinterview.AsyncClient` (and so
the widget) append one line to the ledger after each successful
``create_session``, so a cohort can be pulled again later with
:meth:`ipyinterview.cohort.Cohort.from_ledger`.

Each entry holds the session id, the user (id, and external id and name when
this client created or synced the user), the interview, persona, mode, grade,
the creation time and the service's base URL. It never holds a user token or
an API key: reading a session back needs the user's token, which the caller
supplies when re-pulling (for the users of your application you can always
get it again with ``create_user`` and the same external id).

The ledger is a JSON Lines file, by default ``~/.ipyinterview/ledger.jsonl``
(under ``IPYINTERVIEW_HOME`` when set). ``IPYINTERVIEW_LEDGER`` moves it to
another file, or turns it off with ``off``; ``Client(ledger=False)`` turns it
off for one client.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ._paths import home
from .models import CreatedSession, User

logger = logging.getLogger(__name__)

ENV_LEDGER = "IPYINTERVIEW_LEDGER"
#: Values of ``IPYINTERVIEW_LEDGER`` that turn the ledger off.
OFF = frozenset({"off", "0", "false", "no", "none"})

_lock = threading.Lock()


@dataclass(frozen=True)
class LedgerEntry:
    """One created session, as the ledger records it (no token, no key)."""

    session_id: str
    user_id: str | None = None
    user_external_id: str | None = None
    user_name: str | None = None
    interview_id: str | None = None
    persona_id: str | None = None
    mode: str | None = None
    grade: str | None = None
    created_at: str | None = None
    base_url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a plain dict (one line of the ledger)."""
        return dataclasses.asdict(self)


def default_path() -> Path | None:
    """Return the ledger file configured by the environment, or None when off."""
    configured = os.environ.get(ENV_LEDGER, "").strip()
    if configured.lower() in OFF:
        return None
    return Path(configured).expanduser() if configured else home() / "ledger.jsonl"


class Ledger:
    """The ledger file: append entries, read them back.

    Args:
        path: the JSON Lines file; by default :func:`default_path`.

    Raises:
        ValueError: no path was given and ``IPYINTERVIEW_LEDGER`` turns the
            ledger off.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        resolved = Path(path).expanduser() if path is not None else default_path()
        if resolved is None:
            raise ValueError(
                f"{ENV_LEDGER} turns the ledger off; pass a path to read one"
            )
        self.path = resolved

    def __repr__(self) -> str:
        return f"Ledger({str(self.path)!r})"

    def record(
        self, created: CreatedSession, *, user: User | None = None, base_url: str = ""
    ) -> LedgerEntry:
        """Append the created session to the ledger and return its entry.

        Args:
            created: the response of ``create_session``.
            user: the session's user, when known (its token is not recorded).
            base_url: the service the session was created on.
        """
        session = created.session
        when = session.created_at or datetime.now(timezone.utc)
        entry = LedgerEntry(
            session_id=session.id,
            user_id=session.user_id or (user.id if user else None),
            user_external_id=user.external_id if user else None,
            user_name=user.name if user else None,
            interview_id=session.interview_id,
            persona_id=session.persona_id,
            mode=session.mode,
            grade=session.grade,
            created_at=when.astimezone(timezone.utc).isoformat(),
            base_url=base_url or None,
        )
        line = json.dumps(entry.to_dict(), separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _lock, self.path.open("a", encoding="utf-8") as file:
            file.write(line)
        logger.debug("ledger: recorded session %s", session.id)
        return entry

    def entries(
        self,
        *,
        base_url: str | None = None,
        interview_id: str | None = None,
        since: datetime | None = None,
    ) -> list[LedgerEntry]:
        """Return the recorded sessions, oldest first, each session once.

        Args:
            base_url: only sessions created on this service.
            interview_id: only sessions of this interview.
            since: only sessions created at or after this time (UTC if naive).

        Returns:
            The entries; an empty list when the ledger does not exist yet. A
            line that cannot be read (a write cut short) is skipped with a
            warning.
        """
        if not self.path.exists():
            return []
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        known = {f.name for f in dataclasses.fields(LedgerEntry)}
        found: dict[str, LedgerEntry] = {}
        lines = self.path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            try:
                data = json.loads(line)
                entry = LedgerEntry(**{k: v for k, v in data.items() if k in known})
            except (ValueError, TypeError) as err:
                logger.warning("ledger %s line %d skipped: %s", self.path, number, err)
                continue
            if base_url is not None and entry.base_url != base_url.rstrip("/"):
                continue
            if interview_id is not None and entry.interview_id != interview_id:
                continue
            if since is not None and (
                entry.created_at is None
                or datetime.fromisoformat(entry.created_at) < since
            ):
                continue
            found.setdefault(entry.session_id, entry)
        return list(found.values())


def resolve_ledger(
    ledger: Ledger | str | os.PathLike[str] | bool | None,
) -> Ledger | None:
    """Return the ledger a client records to, or None for none.

    Args:
        ledger: a :class:`Ledger` or a path; ``False`` for none; ``None`` or
            ``True`` for the one the environment configures.
    """
    if ledger is False:
        return None
    if isinstance(ledger, Ledger):
        return ledger
    if ledger is None or ledger is True:
        path = default_path()
        return Ledger(path) if path is not None else None
    return Ledger(ledger)


def record_quietly(
    ledger: Ledger | None,
    created: CreatedSession,
    *,
    user: User | None,
    base_url: str,
) -> None:
    """Record a created session; a ledger that cannot be written only warns.

    The session exists on the service whether or not the ledger could be
    written, so ``create_session`` must not fail because of the ledger.
    """
    if ledger is None:
        return
    try:
        ledger.record(created, user=user, base_url=base_url)
    except OSError as err:
        logger.warning("ledger %s not written: %s", ledger.path, err)


__all__ = [
    "ENV_LEDGER",
    "Ledger",
    "LedgerEntry",
    "default_path",
    "record_quietly",
    "resolve_ledger",
]
