"""Run candidate code against a problem's tests in a limited child process.

Each run gets a scratch directory, a scrubbed environment, its own process
group and limits on CPU time, wall time, memory, output and file size. Python and
JavaScript code is called as a function; SQL runs on a fresh in-memory SQLite
database per test, created by the problem's setup and seeded by the test. The
child reports each test as it finishes, so a run cut short by a limit still
reports the tests that completed and marks the rest ``timeout``.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import procfs
from .content import TestCase
from .sandbox import Jail, SandboxUnavailable, python_executable
from .verdicts import (
    Comparison,
    clean,
    exit_signal,
    explain,
    judge,
    termination_reason,
)

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
    #: The size of the sandbox's private /tmp and working folder, each.
    scratch_bytes: int = 8 * 1024 * 1024


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
        """Return the result as JSON-ready data, hidden tests' data withheld.

        A hidden test shows its status only: even its time could carry what
        the code read of the hidden inputs.
        """
        data = asdict(self)
        for item in data["results"]:
            if item["hidden"]:
                item.update(args=None, expected=None, got=None, error=None, ms=None)
        data.update(passed=self.passed, total=self.total)
        return data


def _program(
    language: str, limits: Limits, spec: str, results: str, harness: str
) -> list[str]:
    if language in ("python", "sql"):
        script = "harness.py" if language == "python" else "harness_sql.py"
        return [python_executable(), "-I", f"{harness}/{script}", spec, results]
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("JavaScript needs Node.js on the service's machine (node)")
    # Half the memory for V8's heap: buffers and the runtime live outside it.
    heap = f"--max-old-space-size={max(limits.memory_bytes // 2 >> 20, 32)}"
    return [node, heap, f"{harness}/harness.js", spec, results]


#: Threads Node.js starts for itself (V8 and libuv), allowed beyond the process
#: limit where the limit is an rlimit (which counts threads).
NODE_THREADS = 16


def _limit_child(limits: Limits, language: str, jail: Jail) -> None:
    # Runs in the child between fork and exec: its own process group, then limits.
    os.setsid()
    cap = resource.setrlimit
    cap(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    files = max(limits.file_bytes, limits.output_bytes)
    cap(resource.RLIMIT_FSIZE, (files, files))
    cap(resource.RLIMIT_CORE, (0, 0))
    if language == "javascript":
        # V8 reserves far more address space than it uses: cap its data instead.
        cap(resource.RLIMIT_DATA, (limits.memory_bytes, limits.memory_bytes))
    else:
        cap(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    if jail.uid is not None:
        # The run's own user id: the kernel counts its tasks (threads included).
        tasks = limits.processes + (NODE_THREADS if language == "javascript" else 0)
        cap(resource.RLIMIT_NPROC, (tasks, tasks))


#: How often a run is checked for its wall time and its number of processes.
POLL_SECONDS = 0.05


def _watch(
    proc: subprocess.Popen[bytes],
    limits: Limits,
    jail: Jail,
    cancel: threading.Event | None,
) -> str | None:
    """Wait for the run; return the limit that stopped it, if one did.

    Returns "time", "processes" or "memory" (the run's processes together:
    each process alone is capped by an rlimit, but not their sum), or
    "cancelled" once ``cancel`` is set.
    """
    deadline = time.monotonic() + limits.wall_seconds
    while True:
        try:
            proc.wait(timeout=POLL_SECONDS)
            return None
        except subprocess.TimeoutExpired:
            pass
        if cancel is not None and cancel.is_set():
            return "cancelled"
        if time.monotonic() >= deadline:
            return "time"
        pids = jail.processes(proc)
        if len(pids) >= limits.processes:
            return "processes"
        if len(pids) > 1 and procfs.resident_bytes(pids) > limits.memory_bytes:
            return "memory"


def _read_results(path: Path) -> tuple[dict[int, dict[str, Any]], str | None]:
    records: dict[int, dict[str, Any]] = {}
    fatal = None
    if not path.exists():
        return records, fatal
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            continue
        if not isinstance(record, dict):
            continue
        record = clean(record)
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


#: Runs at once in this process; more wait their turn. Each run may use its
#: limits' memory and processes, so this bounds what all runs use together.
CONCURRENT_RUNS = max(2, os.cpu_count() or 2)
_slots = threading.BoundedSemaphore(CONCURRENT_RUNS)


@dataclass
class _Outcome:
    """One child process's run over some of the tests."""

    records: dict[int, dict[str, Any]]
    fatal: str | None
    output: str
    reason: str | None  # the limit or signal that ended it, in words
    timed_out: bool
    cancelled: bool = False


def _run_once(
    code: str,
    language: str,
    entry: str,
    cases: list[TestCase],
    limits: Limits,
    setup: str | None,
    private: tuple[Path, ...],
    cancel: threading.Event | None = None,
) -> _Outcome:
    """Run the code once over ``cases`` in a sandbox of its own.

    Raises:
        SandboxUnavailable: isolation is required and missing.
    """
    with _slots, tempfile.TemporaryDirectory(prefix="ipyinterview-run-") as scratch:
        folder = Path(scratch)
        jail = Jail(folder, HARNESS, limits.scratch_bytes, private)
        spec = {
            "code": code,
            "entry": entry,
            # Arguments only: the expected values stay in the service.
            "tests": [case.model_dump(exclude={"expected"}) for case in cases],
            "setup": setup or "",
        }
        (folder / "spec.json").write_text(json.dumps(spec), encoding="utf-8")
        command, fds = jail.command(_program(language, limits, *jail.paths()))
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": "/box" if jail.isolated else scratch,
            "TMPDIR": "/tmp",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        output = folder / "out.txt"
        started = time.monotonic()
        with output.open("wb") as out:
            proc = subprocess.Popen(
                command,
                cwd=scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                close_fds=True,
                pass_fds=fds,
                preexec_fn=lambda: _limit_child(limits, language, jail),
            )
            jail.started(fds)
            stopped = _watch(proc, limits, jail, cancel)
            # Children the code started may still run; none may outlive the run.
            jail.kill(proc)
        seconds = time.monotonic() - started
        records, fatal = _read_results(folder / "results.jsonl")
        text, flooded = _read_output(output, limits.output_bytes)
    code_ = exit_signal(proc.returncode, isolated=jail.isolated)
    reason = termination_reason(
        code_, stopped, flooded=flooded, limits=limits, seconds=seconds, output=text
    )
    # A limit met while a test ran, or while the code loaded (top-level code),
    # is named, the candidate's trace kept below it.
    for record in records.values():
        if record.get("error"):
            record["error"], limit = explain(str(record["error"]), limits, reason)
            reason = reason or limit
    if fatal:
        fatal, limit = explain(fatal, limits, reason)
        reason = reason or limit
    timed_out = reason is not None and reason.startswith("time limit")
    return _Outcome(records, fatal, text, reason, timed_out, stopped == "cancelled")


def run_tests(
    code: str,
    *,
    language: str,
    entry: str,
    tests: list[tuple[TestCase, bool]],
    limits: Limits | None = None,
    setup: str | None = None,
    ordered: bool = False,
    private: tuple[Path, ...] = (),
    cancel: threading.Event | None = None,
) -> RunResult:
    """Run ``code`` against ``tests`` (each a case and whether it is hidden).

    Visible and hidden tests run in separate sandboxes, and what the hidden
    run printed or failed with is not returned: code cannot copy hidden
    inputs into the visible results or the output.

    Args:
        code: the candidate's source.
        language: one of ``LANGUAGES``.
        entry: the function to call (a label only for SQL).
        tests: each case and whether it is hidden.
        limits: resource limits for each sandboxed run.
        setup: for SQL, the statements that create the tables before each test.
        ordered: for SQL, compare rows in order (the problem asks for ORDER BY).
        private: folders the code must not read even if they lie inside the
            sandbox's read-only view (a catalogue, a database's folder).
        cancel: set from another thread to stop the run at once (its
            tests then end in errors that say so).

    Raises:
        ValueError: the language is not one this runner supports.
    """
    if language not in LANGUAGES:
        raise ValueError(
            f"language must be one of {', '.join(LANGUAGES)}, not {language!r}"
        )
    limits = limits or Limits()
    compare = Comparison(language, ordered)
    started = time.perf_counter()
    run = RunResult(language=language)
    groups = [
        [(i, case) for i, (case, hidden) in enumerate(tests) if hidden == group]
        for group in (False, True)
    ]
    results: dict[int, TestResult] = {}
    outcome: _Outcome | None = None
    for hidden, group in zip((False, True), groups, strict=True):
        if not group and (hidden or groups[1]):
            continue
        if hidden and outcome is not None and (outcome.timed_out or outcome.cancelled):
            # The same code on more tests would only run out of time again:
            # the verdict comes within the limit, not after twice the limit.
            why = f"{outcome.reason} in the visible tests; hidden tests not run"
            outcome = _Outcome({}, None, "", why, timed_out=outcome.timed_out)
            run.error = why
        else:
            cases = [case for _, case in group]
            try:
                outcome = _run_once(
                    code, language, entry, cases, limits, setup, private, cancel
                )
            except SandboxUnavailable as err:
                return _refused(language, tests, str(err))
        if not hidden:
            run.output = outcome.output
            run.error = outcome.fatal or outcome.reason
        elif run.error is None:
            # Only the limit: the hidden run's messages could quote its inputs.
            run.error = outcome.reason
        for local, (index, case) in enumerate(group):
            record = _verdict(outcome, outcome.records.get(local), case, compare)
            results[index] = TestResult(
                index=index,
                hidden=hidden,
                status=record["status"],
                args=case.args,
                expected=case.expected,
                got=record.get("got"),
                error=record.get("error"),
                ms=record.get("ms"),
            )
    run.results = [results[i] for i in sorted(results)]
    run.seconds = time.perf_counter() - started
    logger.debug("ran %d tests in %.3fs (%s)", len(tests), run.seconds, language)
    return run


def _verdict(
    outcome: _Outcome,
    record: dict[str, Any] | None,
    case: TestCase,
    compare: Comparison,
) -> dict[str, Any]:
    if record is not None:
        return judge(record, case, compare)
    if outcome.timed_out:
        return {"status": "timeout", "error": outcome.reason}
    why = outcome.fatal or outcome.reason
    return {
        "status": "error",
        "error": why
        or "the run ended before this test reported: did the code exit, or "
        "change the files of the run?",
    }


def _refused(language: str, tests: list[tuple[TestCase, bool]], why: str) -> RunResult:
    run = RunResult(language=language, error=why)
    run.results = [
        TestResult(index=i, hidden=hidden, status="error", args=case.args, error=why)
        for i, (case, hidden) in enumerate(tests)
    ]
    return run
