"""Run candidate code against a problem's tests in a limited child process.

Each run gets a scratch directory, a scrubbed environment, its own process
group and limits on CPU time, wall time, memory, output and file size. Python and
JavaScript code is called as a function; SQL runs on a fresh in-memory SQLite
database per test, created by the problem's setup and seeded by the test. The
child reports each test as it finishes, so a run cut short by a limit still
reports the tests that completed and marks the rest ``timeout``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from .content import TestCase

logger = logging.getLogger(__name__)

HARNESS = Path(__file__).parent / "harness"
LANGUAGES = ("python", "javascript", "sql")
Status = Literal["pass", "fail", "error", "timeout"]


@dataclass(frozen=True)
class Limits:
    """Resource limits for one run (all tests of one submission)."""

    wall_seconds: float = 5.0
    cpu_seconds: int = 5
    memory_bytes: int = 512 * 1024 * 1024
    output_bytes: int = 64 * 1024
    file_bytes: int = 1024 * 1024
    processes: int = 16


@dataclass
class TestResult:
    """The outcome of one test case."""

    __test__ = False  # not a pytest class

    index: int
    hidden: bool
    status: Status
    args: list[Any] | None = None
    expected: Any = None
    got: Any = None
    error: str | None = None
    ms: float | None = None


@dataclass
class RunResult:
    """The outcome of running code against a list of tests."""

    language: str
    results: list[TestResult] = field(default_factory=list)
    output: str = ""
    error: str | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        """Return how many tests passed."""
        return sum(r.status == "pass" for r in self.results)

    @property
    def total(self) -> int:
        """Return how many tests ran or should have."""
        return len(self.results)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON-ready data, hidden tests' data withheld."""
        data = asdict(self)
        for item in data["results"]:
            if item["hidden"]:
                item.update(args=None, expected=None, got=None, error=None)
        data.update(passed=self.passed, total=self.total)
        return data


@functools.cache
def _no_network() -> list[str]:
    """Return a command prefix that runs a program without network, if possible.

    As root, ``unshare --net`` gives the child an empty network namespace (only
    a loopback that is down). Elsewhere the child keeps the network.
    """
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        logger.info("code runs with the machine's network (not root, or no unshare)")
        return []
    probe = subprocess.run([unshare, "--net", "true"], capture_output=True)
    return [unshare, "--net", "--"] if probe.returncode == 0 else []


def _command(language: str, spec: Path, results: Path) -> list[str]:
    return [*_no_network(), *_program(language, spec, results)]


def _program(language: str, spec: Path, results: Path) -> list[str]:
    if language in ("python", "sql"):
        harness = HARNESS / ("harness.py" if language == "python" else "harness_sql.py")
        return [sys.executable, "-I", str(harness), str(spec), str(results)]
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("JavaScript needs Node.js on the service's machine (node)")
    return [
        node,
        "--max-old-space-size=256",
        str(HARNESS / "harness.js"),
        str(spec),
        str(results),
    ]


def _limit_child(limits: Limits, language: str) -> None:
    # Runs in the child between fork and exec: its own process group, then limits.
    os.setsid()
    resource.setrlimit(
        resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1)
    )
    resource.setrlimit(
        resource.RLIMIT_FSIZE, (limits.output_bytes, limits.output_bytes)
    )
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if language != "javascript":
        # V8 reserves far more address space than it uses; node gets a heap cap.
        resource.setrlimit(
            resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes)
        )


#: How often a run is checked for its wall time and its number of processes.
POLL_SECONDS = 0.05


def _group_size(group: int) -> int:
    """Return how many processes are in a process group (from /proc)."""
    count = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        count += int(fields[2]) == group  # fields: state, ppid, pgrp, ...
    return count


def _watch(proc: subprocess.Popen[bytes], limits: Limits) -> str | None:
    """Wait for the run; return "time" or "processes" if a limit stopped it."""
    deadline = time.monotonic() + limits.wall_seconds
    while True:
        try:
            proc.wait(timeout=POLL_SECONDS)
            return None
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() >= deadline:
            return "time"
        if _group_size(proc.pid) > limits.processes:
            return "processes"


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def _read_results(path: Path) -> tuple[dict[int, dict[str, Any]], str | None]:
    records: dict[int, dict[str, Any]] = {}
    fatal = None
    if not path.exists():
        return records, fatal
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "fatal" in record:
            fatal = str(record["fatal"])
        elif isinstance(record.get("index"), int):
            records[record["index"]] = record
    return records, fatal


def _read_output(path: Path, cap: int) -> tuple[str, bool]:
    """Return the run's output and whether it reached the cap."""
    with path.open("rb") as f:
        data = f.read(cap)
    flooded = len(data) >= cap
    text = data.decode("utf-8", errors="replace")
    if flooded:
        text += "\n[output cut: the run printed more than the limit allows]"
    return text, flooded


def run_tests(
    code: str,
    *,
    language: str,
    entry: str,
    tests: list[tuple[TestCase, bool]],
    limits: Limits | None = None,
    setup: str | None = None,
    ordered: bool = False,
) -> RunResult:
    """Run ``code`` against ``tests`` (each a case and whether it is hidden).

    Args:
        code: the candidate's source.
        language: one of ``LANGUAGES``.
        entry: the function to call (a label only for SQL).
        tests: each case and whether it is hidden.
        limits: resource limits for the whole run.
        setup: for SQL, the statements that create the tables before each test.
        ordered: for SQL, compare rows in order (the problem asks for ORDER BY).

    Raises:
        ValueError: the language is not one this runner supports.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"language must be one of {', '.join(LANGUAGES)}, not {language!r}"
        )
    limits = limits or Limits()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ipyinterview-run-") as scratch:
        folder = Path(scratch)
        spec, results, output = (
            folder / "spec.json",
            folder / "results.jsonl",
            folder / "out.txt",
        )
        spec.write_text(
            json.dumps(
                {
                    "code": code,
                    "entry": entry,
                    "tests": [t.model_dump() for t, _ in tests],
                    "setup": setup or "",
                    "ordered": ordered,
                }
            ),
            encoding="utf-8",
        )
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": scratch,
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        with output.open("wb") as out:
            proc = subprocess.Popen(
                _command(language, spec, results),
                cwd=scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                close_fds=True,
                preexec_fn=lambda: _limit_child(limits, language),
            )
            stopped = _watch(proc, limits)
            # The group may hold children the code started; none may outlive the run.
            _kill_group(proc)

        records, fatal = _read_results(results)
        text, flooded = _read_output(output, limits.output_bytes)
    run = RunResult(
        language=language, output=text, seconds=time.perf_counter() - started
    )
    run.error = fatal or _termination_reason(proc.returncode, stopped, flooded, limits)
    if flooded:
        # The write that hit the cap failed inside a test: say why in words.
        for record in records.values():
            if "File too large" in str(record.get("error")):
                record["error"] = run.error
    for index, (case, hidden) in enumerate(tests):
        record = records.get(index)
        if record is None:
            status: Status = "error" if fatal else "timeout"
            record = {"status": status, "error": fatal or run.error}
        run.results.append(
            TestResult(
                index=index,
                hidden=hidden,
                status=record["status"],
                args=case.args,
                expected=case.expected,
                got=record.get("got"),
                error=record.get("error"),
                ms=record.get("ms"),
            )
        )
    logger.debug("ran %d tests in %.3fs (%s)", len(tests), run.seconds, language)
    return run


def _termination_reason(
    code: int | None, stopped: str | None, flooded: bool, limits: Limits
) -> str | None:
    if flooded:
        return f"output limit exceeded ({limits.output_bytes} bytes): print less"
    if stopped == "processes":
        return (
            f"process limit exceeded (more than {limits.processes} processes): "
            "solve it without starting programs"
        )
    if stopped == "time":
        return f"time limit exceeded ({limits.wall_seconds:g} s wall clock)"
    if code == -signal.SIGXCPU or code == -signal.SIGKILL:
        return f"time limit exceeded ({limits.cpu_seconds} s of CPU)"
    if code not in (0, None):
        return f"the program stopped with exit status {code}"
    return None
