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
import math
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
from .sandbox import Jail, SandboxUnavailable

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
        """Return the result as JSON-ready data, hidden tests' data withheld."""
        data = asdict(self)
        for item in data["results"]:
            if item["hidden"]:
                item.update(args=None, expected=None, got=None, error=None)
        data.update(passed=self.passed, total=self.total)
        return data


def _program(language: str, spec: str, results: str, harness: str) -> list[str]:
    if language in ("python", "sql"):
        script = "harness.py" if language == "python" else "harness_sql.py"
        return [sys.executable, "-I", f"{harness}/{script}", spec, results]
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("JavaScript needs Node.js on the service's machine (node)")
    return [node, "--max-old-space-size=256", f"{harness}/harness.js", spec, results]


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


def _watch(proc: subprocess.Popen[bytes], limits: Limits, jail: Jail) -> str | None:
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
        if len(jail.processes(proc)) >= limits.processes:
            return "processes"


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
        try:
            jail = Jail(folder, HARNESS, limits.scratch_bytes)
        except SandboxUnavailable as err:
            return _refused(language, tests, str(err))
        (folder / "spec.json").write_text(
            json.dumps(
                {
                    "code": code,
                    "entry": entry,
                    "tests": [_visible_to_code(t, language) for t, _ in tests],
                    "setup": setup or "",
                    "ordered": ordered,
                }
            ),
            encoding="utf-8",
        )
        command, fds = jail.command(_program(language, *jail.paths()))
        home = "/box" if jail.isolated else scratch
        env = {
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "HOME": home,
            "TMPDIR": "/tmp",
            "PYTHONIOENCODING": "utf-8",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        output = folder / "out.txt"
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
            stopped = _watch(proc, limits, jail)
            # Children the code started may still run; none may outlive the run.
            jail.kill(proc)

        records, fatal = _read_results(folder / "results.jsonl")
        text, flooded = _read_output(output, limits.output_bytes)
    run = RunResult(
        language=language, output=text, seconds=time.perf_counter() - started
    )
    status = _exit_signal(proc.returncode, isolated=jail.isolated)
    run.error = fatal or _termination_reason(status, stopped, flooded, limits)
    for record in records.values():
        if record.get("error"):
            record["error"], limit = _explain(str(record["error"]), limits, run.error)
            run.error = run.error or limit
    for index, (case, hidden) in enumerate(tests):
        record = records.get(index)
        if record is None:
            status_: Status = "error" if fatal else "timeout"
            record = {"status": status_, "error": fatal or run.error}
        else:
            record = _judge(record, case, language)
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


def _judge(record: dict[str, Any], case: TestCase, language: str) -> dict[str, Any]:
    """Turn a child's record into a verdict the child could not have forged."""
    status = record.get("status")
    if status == "returned":
        return {
            **record,
            "status": "pass" if same(record.get("got"), case.expected) else "fail",
        }
    if status == "error" or (language == "sql" and status in ("pass", "fail")):
        return record
    # Only the harness writes "returned"/"error"; anything else came from the code.
    return {"status": "error", "error": "the code wrote over the run's results"}


def _visible_to_code(case: TestCase, language: str) -> dict[str, Any]:
    """Return what the child process may see of a test.

    Python and JavaScript get the arguments only: the service compares the
    returned value, so reading the spec file cannot reveal hidden answers.
    SQL runs inside SQLite, which cannot read files, and compares rows itself.
    """
    if language == "sql":
        return case.model_dump()
    return case.model_dump(exclude={"expected"})


def same(got: Any, expected: Any) -> bool:
    """Return whether a returned value (as JSON data) equals the expected one.

    Numbers compare with a small tolerance when either is a float; lists
    and dicts compare element by element; booleans never equal numbers.
    """
    if isinstance(expected, float) or isinstance(got, float):
        if isinstance(got, (int, float)) and isinstance(expected, (int, float)):
            if isinstance(got, bool) or isinstance(expected, bool):
                return False
            return math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-6)
        return False
    if isinstance(expected, list) and isinstance(got, list):
        return len(got) == len(expected) and all(map(same, got, expected))
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(
            same(got[k], expected[k]) for k in expected
        )
    if isinstance(got, bool) != isinstance(expected, bool):
        return False
    return bool(got == expected)


def _refused(language: str, tests: list[tuple[TestCase, bool]], why: str) -> RunResult:
    run = RunResult(language=language, error=why)
    run.results = [
        TestResult(index=i, hidden=hidden, status="error", args=case.args, error=why)
        for i, (case, hidden) in enumerate(tests)
    ]
    return run


def _exit_signal(code: int | None, *, isolated: bool) -> int | None:
    """Return the exit status with signals negative, as Popen reports them.

    Bubblewrap reports a command killed by signal N as exit status 128 + N.
    """
    if isolated and code is not None and 128 < code < 128 + 65:
        return -(code - 128)
    return code


#: Errors the code meets at a limit, and what to tell the candidate instead.
_LIMIT_ERRORS = {
    "MemoryError": "memory limit exceeded ({memory}): use less memory",
    "Array buffer allocation failed": "memory limit exceeded ({memory}): "
    "use less memory",
    "File too large": "file size limit exceeded ({files}): write less",
    "No space left on device": "disk space limit exceeded ({scratch}): write less",
    "Resource temporarily unavailable": "process limit reached "
    "({processes} processes): solve it without starting processes",
    "Network is unreachable": "the code has no network: solve it offline",
}


def _size(count: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


def _explain(
    error: str, limits: Limits, run_error: str | None
) -> tuple[str, str | None]:
    """Name the limit an error came from, keeping the candidate's trace.

    Returns the error to show and, if a limit caused it, that limit in words.
    """
    if run_error and run_error.startswith("output limit") and "File too large" in error:
        return run_error, None
    for found, words in _LIMIT_ERRORS.items():
        if found in error:
            reason = words.format(
                memory=_size(limits.memory_bytes),
                files=_size(max(limits.file_bytes, limits.output_bytes)),
                scratch=_size(limits.scratch_bytes),
                processes=limits.processes,
            )
            return f"{reason}\n\n{error}", reason
    return error, None


def _termination_reason(
    code: int | None, stopped: str | None, flooded: bool, limits: Limits
) -> str | None:
    if flooded:
        return f"output limit exceeded ({_size(limits.output_bytes)}): print less"
    if stopped == "processes":
        return (
            f"process limit reached ({limits.processes} processes): "
            "solve it without starting processes"
        )
    if stopped == "time":
        return f"time limit exceeded ({limits.wall_seconds:g} s wall clock)"
    if code == -signal.SIGXCPU or code == -signal.SIGKILL:
        return f"time limit exceeded ({limits.cpu_seconds} s of CPU)"
    if code == -signal.SIGSEGV:
        return (
            "the program crashed (segmentation fault): usually recursion too deep "
            "for the stack; use a loop or less recursion"
        )
    if code is not None and code < 0:
        return f"the program was stopped by signal {signal.Signals(-code).name}"
    if code not in (0, None):
        return f"the program stopped with exit status {code}"
    return None
