"""Verdicts of a run: comparing what code returned, and naming what stopped it.

The sandboxed child reports what each call returned (``"returned"``) or the
error it raised; everything judged here happens in the service, out of the
code's reach: the expected values never enter the sandbox.
"""

from __future__ import annotations

import math
import re
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .content import TestCase
    from .runner import Limits


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


def _cell(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


def _row_key(row: list[Any]) -> list[tuple[int, Any, str]]:
    # None first, then numbers, then text: rows of mixed types still sort.
    return [
        (0, 0, "")
        if v is None
        else (1, v, "")
        if isinstance(v, (int, float)) and not isinstance(v, bool)
        else (2, 0, str(v))
        for v in row
    ]


def same_rows(got: Any, expected: list[list[Any]], *, ordered: bool) -> bool:
    """Return whether a query's rows equal the expected rows.

    Floats compare to six decimals; without ``ordered`` the row order is free.
    """
    if not isinstance(got, list) or not all(isinstance(r, list) for r in got):
        return False
    mine = [[_cell(v) for v in row] for row in got]
    theirs = [[_cell(v) for v in row] for row in expected]
    if not ordered:
        mine, theirs = sorted(mine, key=_row_key), sorted(theirs, key=_row_key)
    return mine == theirs


@dataclass(frozen=True)
class Comparison:
    """How a problem's returned values are compared with the expected ones."""

    language: str
    ordered: bool = False

    def __call__(self, got: Any, expected: Any) -> bool:
        if self.language == "sql":
            return same_rows(got, expected, ordered=self.ordered)
        return same(got, expected)


#: Rows of a query shown back to the candidate at the most.
SHOWN_ROWS = 50


def judge(
    record: dict[str, Any], case: TestCase, compare: Comparison
) -> dict[str, Any]:
    """Turn a child's record into a verdict the child could not have forged.

    Only the fields the harness writes are kept, each of its type: the code can
    write records itself, and nothing it chose may pass for a field it is not.
    """
    status = record.get("status")
    ms = record.get("ms")
    kept: dict[str, Any] = {
        "ms": float(ms)
        if isinstance(ms, (int, float)) and not isinstance(ms, bool)
        else None
    }
    if status == "returned":
        got = record.get("got")
        verdict = "pass" if compare(got, case.expected) else "fail"
        if compare.language == "sql" and isinstance(got, list):
            got = got[:SHOWN_ROWS]
        return {**kept, "status": verdict, "got": got}
    if status == "error":
        return {**kept, "status": "error", "error": str(record.get("error"))}
    # The harness writes only "returned" or "error": anything else is forged.
    return {"status": "error", "error": "the code wrote over the run's results"}


_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(value: Any) -> Any:
    """Return JSON data with lone surrogates (not valid text) replaced by U+FFFD."""
    if isinstance(value, str):
        return _SURROGATES.sub("\ufffd", value)
    if isinstance(value, list):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    return value


def size(count: int) -> str:
    """Return a byte count in words (``64 KB``, ``512 MB``)."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale and count % scale == 0:
            return f"{count // scale} {unit}"
    return f"{count} bytes"


#: Errors the code meets at a limit, and what to tell the candidate instead.
_LIMIT_ERRORS = {
    "MemoryError": "memory limit exceeded ({memory}): use less memory",
    "Array buffer allocation failed": "memory limit exceeded ({memory}): "
    "use less memory",
    "Invalid string length": "memory limit exceeded ({memory}): use less memory",
    "File too large": "file size limit exceeded ({files}): write less",
    "EFBIG": "file size limit exceeded ({files}): write less",  # Node.js
    "No space left on device": "disk space limit exceeded ({scratch}): write less",
    "ENOSPC": "disk space limit exceeded ({scratch}): write less",  # Node.js
    "Resource temporarily unavailable": "process limit reached "
    "({processes} processes): solve it without starting processes",
    "Network is unreachable": "the code has no network: solve it offline",
}


def explain(
    error: str, limits: Limits, run_error: str | None
) -> tuple[str, str | None]:
    """Name the limit an error came from, keeping the candidate's trace.

    Returns the error to show and, if a limit caused it, that limit in words.
    """
    for found, words in _LIMIT_ERRORS.items():
        if found in error:
            flood = run_error is not None and run_error.startswith("output limit")
            if flood and words.startswith("file size"):
                # Printing hit the file size cap: the output limit says more.
                return run_error, None
            reason = words.format(
                memory=size(limits.memory_bytes),
                files=size(max(limits.file_bytes, limits.output_bytes)),
                scratch=size(limits.scratch_bytes),
                processes=limits.processes,
            )
            return f"{reason}\n\n{error}", reason
    return error, None


def exit_signal(code: int | None, *, isolated: bool) -> int | None:
    """Return the exit status with signals negative, as Popen reports them.

    Bubblewrap reports a command killed by signal N as exit status 128 + N.
    """
    if isolated and code is not None and 128 < code < 128 + 65:
        return -(code - 128)
    return code


def termination_reason(
    code: int | None,
    stopped: str | None,
    *,
    flooded: bool,
    limits: Limits,
    seconds: float,
    output: str,
) -> str | None:
    """Say in words why a run ended, or None if it ended by itself, cleanly.

    Args:
        code: the exit status (negative: the signal that ended it).
        stopped: the limit the watcher stopped it for, if any, or
            "cancelled".
        flooded: the output reached its cap.
        limits: the run's limits.
        seconds: how long the run took.
        output: what it printed (Node.js names its heap running out there).
    """
    if stopped == "cancelled":
        return "the run was cancelled: nobody was waiting for its verdict"
    if flooded:
        return f"output limit exceeded ({size(limits.output_bytes)}): print less"
    if stopped == "processes":
        return (
            f"process limit reached ({limits.processes} processes): "
            "solve it without starting processes"
        )
    if stopped == "memory" or "heap out of memory" in output:
        return f"memory limit exceeded ({size(limits.memory_bytes)}): use less memory"
    if stopped == "time":
        return f"time limit exceeded ({limits.wall_seconds:g} s wall clock)"
    # The CPU limit signals SIGXCPU, then SIGKILL a second later; a quicker
    # SIGKILL came from the code itself.
    if code == -signal.SIGXCPU or (
        code == -signal.SIGKILL and seconds >= limits.cpu_seconds
    ):
        return f"time limit exceeded ({limits.cpu_seconds} s of CPU)"
    if code == -signal.SIGSEGV:
        return (
            "the program crashed (segmentation fault): usually recursion too deep "
            "for the stack; use a loop or less recursion"
        )
    if code == -signal.SIGSYS:
        return (
            "the program made a system call the sandbox refuses (SIGSYS): "
            "solve it with plain code"
        )
    if code is not None and code < 0:
        return f"the program was stopped by signal {signal.Signals(-code).name}"
    if code not in (0, None):
        return f"the program stopped with exit status {code}"
    return None
