"""``doctor``: why a room stays blank, silent or unreachable, and what to do.

Each check looks at one thing (the notebook front end, the service, framing,
mixed content, the microphone) and says what it found and, for a problem, the
fix. Only the kernel's side can be tested from Python: the report also says
how to check the browser's side by hand.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import httpx

from .client._settings import is_loopback
from .errors import AuthenticationError, IpyInterviewError
from .origins import frame_ancestors, notebook_origin, origin_allowed, origin_of

if TYPE_CHECKING:
    from .client import Client

logger = logging.getLogger(__name__)

Status = Literal["ok", "info", "warn", "fail"]
_MARKS = {"ok": "ok  ", "info": "info", "warn": "WARN", "fail": "FAIL"}


@dataclass
class Check:
    """One finding: what was checked, what was found, and the fix if it failed."""

    name: str
    status: Status
    detail: str
    fix: str = ""


@dataclass
class DoctorReport:
    """The findings of :func:`doctor`, printable and as plain data."""

    frontend: str
    base_url: str | None
    notebook_origin: str | None
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether no check failed (warnings allowed)."""
        return all(check.status != "fail" for check in self.checks)

    def problems(self) -> list[Check]:
        """Return the checks that failed or warned."""
        return [c for c in self.checks if c.status in ("warn", "fail")]

    def to_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {**asdict(self), "ok": self.ok}

    def __str__(self) -> str:
        lines = [
            f"ipyinterview doctor: front end {self.frontend}, "
            f"service {self.base_url or 'unknown'}, "
            f"notebook origin {self.notebook_origin or 'unknown'}"
        ]
        for check in self.checks:
            lines.append(f"[{_MARKS[check.status]}] {check.name}: {check.detail}")
            if check.fix:
                lines.append(f"       fix: {check.fix}")
        verdict = "no problem found" if not self.problems() else "see the fixes above"
        lines.append(f"{len(self.problems())} problem(s): {verdict}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        printer.text(str(self))


# Front end -------------------------------------------------------------------


def detect_frontend(
    env: Mapping[str, str], modules: Mapping[str, object] | None = None
) -> tuple[str, str]:
    """Return the notebook front end and the evidence, from environment and modules.

    One of "Colab", "marimo", "VS Code", "Jupyter" (JupyterLab or Notebook: the
    kernel cannot tell them apart) or "none" (not in a notebook kernel).
    """
    modules = sys.modules if modules is None else modules
    if "google.colab" in modules or "COLAB_RELEASE_TAG" in env:
        return "Colab", "google.colab is loaded or COLAB_RELEASE_TAG is set"
    if "marimo" in modules or any(k.startswith("MARIMO") for k in env):
        return "marimo", "marimo is loaded"
    if any(k in env for k in ("VSCODE_PID", "VSCODE_CWD", "VSCODE_IPC_HOOK_CLI")):
        return "VS Code", "VSCODE_* is set in the kernel's environment"
    if any(k in env for k in ("JPY_SESSION_NAME", "JPY_PARENT_PID")):
        return "Jupyter", "JPY_* is set by a Jupyter server"
    if "ipykernel" in modules:
        return "Jupyter", "running in an ipykernel"
    return "none", "not running in a notebook kernel"


_FRONTEND_HINTS = {
    "Colab": (
        "warn",
        "in Colab run `from google.colab import output; "
        "output.enable_custom_widget_manager()` first. The local service runs on "
        "Colab's machine, which your browser cannot reach: use the hosted "
        "service (IPYINTERVIEW_API_KEY) there.",
    ),
    "none": ("info", "run ipyinterview.doctor() in a notebook cell to check it"),
    "marimo": ("info", "in marimo wrap the widget: `mo.ui.anywidget(InterviewRoom())`"),
    "VS Code": (
        "info",
        "VS Code needs its Jupyter extension; its webviews (vscode-webview:) may "
        "frame the local room",
    ),
}


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _frontend_check(frontend: str, evidence: str) -> Check:
    versions = {p: _version(p) for p in ("anywidget", "ipywidgets", "jupyterlab")}
    found = ", ".join(f"{p} {v}" for p, v in versions.items() if v)
    detail = f"{frontend} ({evidence}); {found}"
    if not versions["anywidget"] or not versions["ipywidgets"]:
        fix = "pip install 'anywidget>=0.9.13' 'ipywidgets>=8.1' and restart"
        return Check("front end", "fail", detail, fix)
    status, hint = _FRONTEND_HINTS.get(frontend, ("ok", ""))
    if status == "info":
        detail, hint = f"{detail}; {hint}", ""
    return Check("front end", status, detail, hint)  # type: ignore[arg-type]


# Origins ---------------------------------------------------------------------


# The checks --------------------------------------------------------------------


def _service_check(client: Client) -> Check:
    browser = (
        f"from the browser: open {client.base_url}/healthz in a tab of the "
        'browser that shows the notebook; it should show {"status":"success"}'
    )
    started = time.monotonic()
    try:
        catalogue = client.catalogue(refresh=True)
    except AuthenticationError as err:
        fix = "check IPYINTERVIEW_API_KEY (or api_key=) for this service"
        return Check("service", "fail", f"refused the API key: {err}", fix)
    except IpyInterviewError as err:
        fix = (
            "start it (python -m ipyinterview serve) or fix IPYINTERVIEW_BASE_URL; "
            + browser
        )
        return Check("service", "fail", f"not reachable from Python: {err}", fix)
    elapsed = (time.monotonic() - started) * 1000
    count = len(catalogue.all_interviews())
    detail = (
        f"reachable from Python at {client.base_url} ({elapsed:.0f} ms, "
        f"{count} interviews); {browser}"
    )
    return Check("service", "ok", detail)


def _reach_check(base_url: str, origin: str | None) -> Check | None:
    if origin is None or not origin.startswith("http"):
        return None
    if is_loopback(base_url) and not is_loopback(origin):
        return Check(
            "browser reach",
            "fail",
            f"the notebook is served from {origin} but the room is on "
            f"{origin_of(base_url)}, the kernel machine's loopback: the browser "
            "looks for it on its own machine",
            "serve the room through Jupyter (jupyter-server-proxy, same origin as "
            "the notebook) or run `python -m ipyinterview serve --host 0.0.0.0` "
            "and set IPYINTERVIEW_BASE_URL to an address the browser can reach",
        )
    return None


def _mixed_content_check(base_url: str, origin: str | None) -> Check:
    room = origin_of(base_url)
    if origin is None:
        return Check(
            "mixed content",
            "info",
            f"notebook origin unknown; an https notebook cannot frame an http room "
            f"({room}) unless the room is on localhost/127.0.0.1",
            "set IPYINTERVIEW_NOTEBOOK_URL (or --notebook-url) to check it",
        )
    if not (origin.startswith("https:") and room.startswith("http:")):
        return Check("mixed content", "ok", f"{origin} framing {room}")
    if is_loopback(base_url):
        return Check(
            "mixed content",
            "warn",
            f"https notebook {origin} framing http room {room}: Chromium and "
            "Firefox allow it for loopback, Safari blocks it",
            "serve the room over https, or use Chromium or Firefox",
        )
    return Check(
        "mixed content",
        "fail",
        f"https notebook {origin} framing http room {room}: the browser blocks it "
        "and the iframe stays blank",
        "serve the room over https (a TLS reverse proxy) or through "
        "jupyter-server-proxy",
    )


def _headers_check(
    base_url: str, origin: str | None, timeout: float
) -> tuple[Check, Check | None]:
    try:
        response = httpx.get(f"{base_url}/healthz", timeout=timeout)
    except httpx.HTTPError as err:
        fix = "see the service check above"
        return Check("framing", "fail", f"could not read headers: {err}", fix), None
    headers = response.headers
    microphone = None
    policy = headers.get("permissions-policy", "")
    if "microphone=()" in policy.replace(" ", ""):
        microphone = Check(
            "microphone policy",
            "fail",
            f"the service sends Permissions-Policy {policy!r}, which blocks the "
            "microphone in the room",
            "remove microphone=() from the service's or proxy's Permissions-Policy",
        )
    if headers.get("x-frame-options"):
        return Check(
            "framing",
            "fail",
            f"the service sends X-Frame-Options {headers['x-frame-options']}, so "
            "no notebook may frame the room",
            "remove X-Frame-Options at the service or its proxy",
        ), microphone
    sources = frame_ancestors(headers)
    if sources is None:
        return Check("framing", "ok", "no frame-ancestors policy"), microphone
    allowed = " ".join(sources)
    if origin is None:
        detail = f"frame-ancestors {allowed}; notebook origin unknown"
        fix = "set IPYINTERVIEW_NOTEBOOK_URL (or --notebook-url) to check it"
        return Check("framing", "info", detail, fix), microphone
    if origin_allowed(origin, sources, origin_of(base_url)):
        detail = f"{origin} is allowed by frame-ancestors {allowed}"
        return Check("framing", "ok", detail), microphone
    return Check(
        "framing",
        "fail",
        f"{origin} is not in frame-ancestors {allowed}: the iframe stays blank",
        f"restart the local service with IPYINTERVIEW_FRAME_ANCESTORS={origin!r} "
        "(space-separated origins), or add it to the hosted account's origins",
    ), microphone


def _microphone_check(origin: str | None, base_url: str | None) -> Check:
    room = origin_of(base_url) if base_url else "the room"
    advice = (
        f"voice mode asks for the microphone inside the room's iframe, which has "
        f'allow="microphone; autoplay"; if the browser refused once, allow the '
        f"microphone for {room} and for the notebook's site in the browser's site "
        'settings. mode="chat" always works'
    )
    if origin is None or origin.startswith("vscode-webview"):
        return Check("microphone", "info", advice)
    secure = origin.startswith("https:") or is_loopback(origin)
    if not secure:
        return Check(
            "microphone",
            "fail",
            f"the notebook page {origin} is plain http on another machine: browsers "
            "give no microphone there",
            'open the notebook over https (or on localhost), or use mode="chat"',
        )
    return Check("microphone", "ok", f"{origin} is a secure context; {advice}")


def doctor(
    *,
    client: Client | None = None,
    notebook_url: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 5.0,
) -> DoctorReport:
    """Check the notebook, the service and the browser's side; return the findings.

    Args:
        client: the client to check; by default ``Client()`` as the widget
            would make it (the embedded local service without an API key).
        notebook_url: the notebook page's address as the browser shows it;
            by default IPYINTERVIEW_NOTEBOOK_URL, or the one running Jupyter
            server when there is exactly one.
        env: the environment to read (default ``os.environ``).
        timeout: seconds for each request to the service.

    Returns:
        A :class:`DoctorReport`; print it for the fixes, ``report.ok`` is
        False when a check failed.
    """
    env = os.environ if env is None else env
    frontend, evidence = detect_frontend(env)
    origin = origin_of(notebook_url) if notebook_url else notebook_origin(env, frontend)
    report = DoctorReport(frontend=frontend, base_url=None, notebook_origin=origin)
    report.checks.append(_frontend_check(frontend, evidence))

    if client is None:
        from .client import Client

        try:
            client = Client(timeout=timeout)
        except IpyInterviewError as err:
            fix = "set IPYINTERVIEW_API_KEY (and IPYINTERVIEW_BASE_URL) as it says"
            report.checks.append(Check("configuration", "fail", str(err), fix))
            report.checks.append(_microphone_check(origin, None))
            return report
        try:
            _client_checks(report, client, origin, timeout)
        finally:
            client.close()
    else:
        _client_checks(report, client, origin, timeout)
    for check in report.problems():
        logger.debug("doctor: %s %s", check.name, check.status)
    return report


def _client_checks(
    report: DoctorReport, client: Client, origin: str | None, timeout: float
) -> None:
    report.base_url = client.base_url
    report.checks.append(_service_check(client))
    reach = _reach_check(client.base_url, origin)
    if reach is not None:
        report.checks.append(reach)
    report.checks.append(_mixed_content_check(client.base_url, origin))
    framing, policy = _headers_check(client.base_url, origin, timeout)
    report.checks += [c for c in (framing, policy) if c is not None]
    report.checks.append(_microphone_check(origin, client.base_url))
    if is_loopback(client.base_url):
        report.checks.append(_isolation_check())


def _isolation_check() -> Check:
    """How a service on this machine isolates candidates' code."""
    from .server.sandbox import SandboxUnavailable, isolation, sandbox_setting

    try:
        wanted = sandbox_setting()
    except SandboxUnavailable as err:
        return Check("code isolation", "fail", str(err), "fix IPYINTERVIEW_SANDBOX")
    found = isolation()
    if found.level != "none" and not found.filtered:
        detail = f"bubblewrap: {found.detail}; no system call filter"
        fix = (
            "install libseccomp (apt-get install libseccomp2) and pyseccomp, "
            "so that code cannot make user namespaces"
        )
        return Check("code isolation", "warn", detail, fix)
    if found.level == "bubblewrap":
        return Check("code isolation", "ok", f"bubblewrap: {found.detail}")
    if found.level == "bubblewrap-userns":
        detail = f"bubblewrap: {found.detail}; processes capped by polling only"
        return Check("code isolation", "info", detail)
    if wanted == "required":
        detail = f"none: {found.detail}; IPYINTERVIEW_SANDBOX=required refuses runs"
        return Check("code isolation", "fail", detail, "install bubblewrap")
    fix = (
        "install bubblewrap (apt-get install bubblewrap) before running strangers' code"
    )
    if wanted == "auto":
        fix += "; set IPYINTERVIEW_SANDBOX=required to refuse runs without it"
    return Check("code isolation", "warn", f"none: {found.detail}", fix)


__all__ = ["Check", "DoctorReport", "detect_frontend", "doctor", "origin_allowed"]
