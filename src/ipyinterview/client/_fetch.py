"""Reading many sessions at once: the per-item result and its inputs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import ValidationError
from ..models import Session


@dataclass
class FetchResult:
    """One session read by ``fetch_reports``: the session, or why it failed."""

    session_id: str
    session: Session | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        """Return whether the session was read."""
        return self.error is None


def fetch_pairs(
    items: Iterable[str | tuple[str, str]], user_token: str | None
) -> list[tuple[str, str]]:
    """Return (user_token, session_id) pairs for ``fetch_reports``.

    Raises:
        ValidationError: a bare session id was given without ``user_token``.
    """
    pairs = []
    for item in items:
        if isinstance(item, str):
            if user_token is None:
                raise ValidationError(
                    f"session {item!r} needs a user token: pass user_token=, or "
                    "(user_token, session_id) pairs"
                )
            pairs.append((user_token, item))
        else:
            token, session_id = item
            pairs.append((token, session_id))
    return pairs


def progress_bar(total: int, enabled: bool, what: str) -> Any:
    """Return a tqdm progress bar (a silent one when disabled)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not enabled, desc=what, unit="report")
