"""Defaults of the client, in one place."""

from __future__ import annotations

import httpx

#: The hosted service, used when an API key is given without a base URL.
ONECOMPILER_BASE_URL = "https://onecompiler.com"

ENV_API_KEY = "IPYINTERVIEW_API_KEY"
ENV_BASE_URL = "IPYINTERVIEW_BASE_URL"

#: 30 s to answer, 5 s to connect.
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5
MAX_RETRY_DELAY = 8.0
#: A Retry-After longer than this is not waited for: the error is raised.
MAX_RETRY_AFTER = 60.0

#: Statuses worth retrying (for requests that are safe to repeat).
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
