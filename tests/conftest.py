"""Shared fixtures: a real local service on 127.0.0.1 and clients of it."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server import LocalService

from .helpers import Room


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser tests are marked, and run last: they are the slowest.
    browser = [item for item in items if "tests/browser" in str(item.fspath)]
    for item in browser:
        item.add_marker(pytest.mark.browser)
        items.remove(item)
    items.extend(browser)


#: Test files whose results are hardening figures: (section, what passing means).
HARDENING_FILES = {
    "test_untrusted_text.py": ("Untrusted text", "escaping tests passed"),
    "test_frame_origins.py": ("Frames and origins", "origin and message tests passed"),
    "test_room_frame.py": ("Frames and origins", "room frame relay tests passed"),
    "test_cors.py": ("Frames and origins", "cross-origin tests passed"),
    "test_sandbox.py": ("Runner sandbox", "sandbox tests passed"),
    "test_room_runs.py": ("Runner sandbox", "run queue tests passed"),
}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Record how many hardening tests passed, per file (figures switched on)."""
    figures = _figures()
    if not figures.recording():
        return
    counts: dict[str, list[int]] = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") != "call" and outcome != "error":
                continue
            path = str(getattr(report, "nodeid", "")).split("::")[0]
            tally = counts.setdefault(path, [0, 0])
            tally[0] += outcome == "passed"
            tally[1] += 1
    for path, (passed, total) in sorted(counts.items()):
        name = Path(path).name
        if name not in HARDENING_FILES:
            continue
        section, what = HARDENING_FILES[name]
        figures.record(
            section,
            f"{path}: {what}",
            f"{passed} of {total}",
            target="all",
            met=passed == total,
        )


def _figures() -> ModuleType:
    path = Path(__file__).parents[1] / "bench" / "figures.py"
    spec = importlib.util.spec_from_file_location("bench_figures", path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def figures() -> ModuleType:
    """bench/figures.py: ``figures.record(...)`` stores a figure for docs/.

    Recording happens only when IPYINTERVIEW_FIGURES is set
    (``python bench/figures.py --refresh`` sets it).
    """
    return _figures()


@pytest.fixture(autouse=True, scope="session")
def _private_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep the embedded service's database and key out of the real home."""
    patcher = pytest.MonkeyPatch()
    patcher.setenv("IPYINTERVIEW_HOME", str(tmp_path_factory.mktemp("home")))
    patcher.delenv("IPYINTERVIEW_API_KEY", raising=False)
    patcher.delenv("IPYINTERVIEW_BASE_URL", raising=False)
    yield
    patcher.undo()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """Run the test under umask 022, the usual one, which makes files 0644.

    A test of file permissions passes trivially under a stricter umask.
    """
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalService]:
    """A real uvicorn server on a free 127.0.0.1 port, shared by the session."""
    folder = tmp_path_factory.mktemp("service")
    with LocalService(db_path=folder / "service.db") as running:
        yield running


@pytest.fixture
def client(service: LocalService) -> Iterator[Client]:
    with Client(api_key=service.api_key, base_url=service.base_url) as api:
        yield api


_counter = iter(range(10**9))


@pytest.fixture
def user(client: Client) -> User:
    """A new user of the service's account (a new one for each test)."""
    number = next(_counter)
    return client.create_user(
        f"Student {number}", f"s{number}@example.com", external_id=f"student-{number}"
    )


@pytest.fixture
def open_room(client: Client, user: User):  # type: ignore[no-untyped-def]
    """Create a session and return (created session, Room driving it)."""

    def _open(interview_id: str = "dsa-1", **kwargs: Any) -> tuple[Any, Room]:
        kwargs.setdefault("mode", "chat")
        created = client.create_session(user.token, interview_id, **kwargs)
        return created, Room(created.room_url(user.token))

    return _open
