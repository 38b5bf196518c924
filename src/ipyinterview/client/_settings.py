"""Client settings: API key, base URL, timeouts and retries, from arguments and
the environment; and the connection details every client shares."""

from __future__ import annotations

import functools
import ipaddress
import os
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import httpx

from .. import _constants as C
from ..errors import ConfigurationError


@dataclass(frozen=True)
class Settings:
    """Resolved client settings."""

    api_key: str
    base_url: str
    timeout: httpx.Timeout
    max_retries: int
    local: bool = False


def resolve_settings(
    api_key: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int | None,
) -> Settings:
    """Resolve arguments and environment into settings.

    With neither an API key nor a base URL (as arguments or in
    IPYINTERVIEW_API_KEY / IPYINTERVIEW_BASE_URL), the embedded local service
    is started and used. A key alone means the hosted service.

    Raises:
        ConfigurationError: a base URL was given without an API key.
    """
    api_key = api_key or os.environ.get(C.ENV_API_KEY) or None
    base_url = base_url or os.environ.get(C.ENV_BASE_URL) or None
    local = False
    if api_key is None and base_url is None:
        from ..server.service import default_service

        service = default_service()
        api_key, base_url, local = service.api_key, service.base_url, True
    elif api_key is None:
        raise ConfigurationError(
            f"base_url {base_url!r} needs an API key: pass api_key=... or set "
            f"{C.ENV_API_KEY}. Pass neither to use the embedded local service."
        )
    base_url = (base_url or C.ONECOMPILER_BASE_URL).rstrip("/")
    if urlsplit(base_url).scheme not in ("http", "https"):
        raise ConfigurationError(
            f"base_url must start with http:// or https://, not {base_url!r}"
        )
    if timeout is None:
        timeout = C.DEFAULT_TIMEOUT
    elif not isinstance(timeout, httpx.Timeout):
        timeout = httpx.Timeout(
            timeout, connect=min(timeout, C.DEFAULT_TIMEOUT.connect or 5)
        )
    retries = C.DEFAULT_MAX_RETRIES if max_retries is None else max_retries
    if retries < 0:
        raise ConfigurationError("max_retries must be 0 or more")
    return Settings(api_key, base_url, timeout, retries, local)


def resolve_timeout(timeout: float | httpx.Timeout | None) -> httpx.Timeout:
    """Return an httpx timeout; a number keeps the connect timeout at most 5 s."""
    if timeout is None:
        return C.DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        return timeout
    return httpx.Timeout(timeout, connect=min(timeout, C.DEFAULT_TIMEOUT.connect or 5))


def is_loopback(base_url: str) -> bool:
    """Return whether the URL's host is this machine (proxies are bypassed)."""
    host = urlsplit(base_url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """Return one verifying TLS context for all clients (building one costs ~15 ms)."""
    return ssl.create_default_context(cafile=certifi.where())
