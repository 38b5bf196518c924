"""Clients of the AI-interviewer API: :class:`Client` and :class:`AsyncClient`."""

from __future__ import annotations

from ._async import AsyncClient
from ._fetch import FetchResult
from ._sync import Client

__all__ = ["AsyncClient", "Client", "FetchResult"]
