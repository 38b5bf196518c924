"""Configuration of the local service."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .content import BUNDLED_CATALOGUE
from .runner import Limits

#: Daily interview quotas per plan (None: no limit).
DEFAULT_PLANS: dict[str, int | None] = {
    "free": 1,
    "basic": 3,
    "pro": 10,
    "unlimited": None,
}

#: Notebook origins allowed to frame the room: local Jupyter on any port.
DEFAULT_FRAME_ANCESTORS: tuple[str, ...] = (
    "'self'",
    "http://localhost:*",
    "http://127.0.0.1:*",
    "https://localhost:*",
    "https://127.0.0.1:*",
    "vscode-webview:",
)


def _env_origins() -> tuple[str, ...]:
    extra = os.environ.get("IPYINTERVIEW_FRAME_ANCESTORS", "")
    return tuple(origin for origin in extra.split() if origin)


@dataclass
class Settings:
    """What a local service instance serves and stores.

    Attributes:
        database_url: SQLAlchemy URL of the database (an SQLite file by default).
        catalogue_dir: folder of catalogue files (see ``content``).
        plans: daily interview quota per plan id; None means no limit.
        default_plan: the plan given to users when they are first synced.
        session_cost: credits one session consumes from the API account.
        frame_ancestors: origins allowed to show the room in an iframe.
        room_token_seconds: lifetime of the room credential a page receives.
        latency_ms: delay added to every /v1 response, to rehearse a distant
            service (benchmarks and tests); 0 in normal use.
        transcriber: which speech-to-text engine transcribes recorded answers
            (see ``speech.load_transcriber``); None reads the environment.
        run_limits: the limits on each run of candidate code (see ``runner``).
    """

    database_url: str
    catalogue_dir: Path = BUNDLED_CATALOGUE
    plans: dict[str, int | None] = field(default_factory=lambda: dict(DEFAULT_PLANS))
    default_plan: str = "unlimited"
    session_cost: int = 1
    frame_ancestors: tuple[str, ...] = field(
        default_factory=lambda: DEFAULT_FRAME_ANCESTORS + _env_origins()
    )
    room_token_seconds: int = 12 * 3600
    latency_ms: int = 0
    transcriber: str | None = None
    run_limits: Limits = field(default_factory=Limits)

    def private_paths(self) -> tuple[Path, ...]:
        """Folders candidates' code must never read: the catalogue, the database's."""
        from sqlalchemy.engine import make_url

        paths = [Path(self.catalogue_dir)]
        url = make_url(self.database_url)
        if url.get_backend_name() == "sqlite" and url.database not in (
            None,
            ":memory:",
        ):
            paths.append(Path(url.database).resolve().parent)
        return tuple(paths)
