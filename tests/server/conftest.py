"""Fixtures of the service tests: a service whose code runs are isolated."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ipyinterview.server import LocalService
from ipyinterview.server.sandbox import isolation

from .sandboxed import LIMITS


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalService]:
    if isolation().level == "none":
        pytest.skip(f"no code isolation on this machine: {isolation().detail}")
    folder = tmp_path_factory.mktemp("sandboxed")
    with LocalService(db_path=folder / "service.db", run_limits=LIMITS) as running:
        yield running
