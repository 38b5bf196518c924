"""The local service: an offline twin of the interviewer API and its room.

Start it with ``python -m ipyinterview serve`` or, from Python, with
:class:`LocalService`. With no API key configured, the client starts
:func:`default_service` in the background and uses it.
"""

from __future__ import annotations

from .app import create_app
from .service import LocalService, default_service
from .settings import Settings

__all__ = ["LocalService", "Settings", "create_app", "default_service"]
