"""bench/load.py's load runs cleanly against the service in its own process.

A smoke test with a few clients for two seconds: every create and report read
must succeed. How fast is for the benchmark itself, not for a timed test.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from ipyinterview.server.process import ServiceProcess

BENCH = Path(__file__).parents[2] / "bench" / "load.py"


def bench_load() -> ModuleType:
    """Import bench/load.py (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("bench_load", BENCH)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_load_creates_and_reads_reports_without_errors(tmp_path: Path) -> None:
    load = bench_load()

    with ServiceProcess(tmp_path / "load.db", api_key=load.KEY) as service:
        fixture = load.prepare(service.base_url, users=2)
        result = load.run(
            load.run_load(service.base_url, fixture, clients=6, seconds=2.0, rate=30.0)
        )

    assert result.errors == 0, result.error_samples
    assert result.creates > 0
    assert len(result.reads) == result.creates, "each create is followed by a read"
