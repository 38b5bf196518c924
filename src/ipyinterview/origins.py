"""Web origins and framing rules, as the doctor reasons about them."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit


def origin_of(url: str) -> str:
    """Return the origin (scheme://host[:port]) of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"


def frame_ancestors(headers: Mapping[str, str]) -> list[str] | None:
    """Return the frame-ancestors sources of a CSP header, or None without one."""
    for directive in headers.get("content-security-policy", "").split(";"):
        name, _, sources = directive.strip().partition(" ")
        if name.lower() == "frame-ancestors":
            return sources.split()
    return None


def origin_allowed(origin: str, sources: list[str], room_origin: str) -> bool:
    """Return whether ``origin`` may frame the room under these CSP sources."""
    scheme, _, rest = origin.partition("://")
    host, _, port = rest.partition(":")
    for source in sources:
        if source == "*" or (source == "'self'" and origin == room_origin):
            return True
        if source.endswith(":") and "//" not in source:
            if origin.startswith(source):
                return True
            continue
        s_scheme, _, s_rest = source.partition("://")
        s_host, _, s_port = s_rest.partition(":")
        host_ok = s_host == host or (
            s_host.startswith("*.") and host.endswith(s_host[1:])
        )
        if s_scheme == scheme and host_ok and s_port in ("*", port):
            return True
    return False


def notebook_origin(env: Mapping[str, str], frontend: str) -> str | None:
    """Return the notebook page's origin when it can be known from the kernel."""
    if env.get("IPYINTERVIEW_NOTEBOOK_URL"):
        return origin_of(env["IPYINTERVIEW_NOTEBOOK_URL"])
    if frontend == "VS Code":
        return "vscode-webview:"
    if frontend != "Jupyter":
        return None
    try:
        from jupyter_server.serverapp import list_running_servers
    except ImportError:
        return None
    servers = list(list_running_servers())
    # Only a single server is a safe guess of the page this kernel serves.
    return origin_of(servers[0]["url"]) if len(servers) == 1 else None
