"""What the sandbox tests share: their limits, honest solutions, a run, leftovers."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ipyinterview.server import procfs, sandbox
from ipyinterview.server.runner import Limits

from ..helpers import Room, read_interview

#: Short limits keep the suite quick; the verdicts must still come within +1 s.
LIMITS = Limits(wall_seconds=2.0, cpu_seconds=2)
#: Solutions of the coding interview the tests' rooms are of (dsa-1).
HONEST = read_interview("dsa-1")["problem"]["solutions"]


def run_processes() -> list[str]:
    """Return the command lines of this service's runs that are still alive.

    As root, each run has a user id from this process's range: a process
    that escaped its run would still have one. Otherwise, the runs are
    this process's descendants.
    """
    ours = range(sandbox._UID_BASE, sandbox._UID_BASE + 64)
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            owner = os.stat(f"/proc/{entry}").st_uid
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1]
        except OSError:
            continue
        if state.split()[0] == b"Z":
            continue
        if owner in ours or (
            os.geteuid() != 0 and int(entry) in procfs.descendants(os.getpid())
        ):
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


def run(room: Room, language: str, code: str) -> tuple[dict, float]:
    """Run code in the room; return the run (it must be answered) and its seconds."""
    started = time.monotonic()
    response = room.post("run", {"language": language, "code": code})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    return response.json()["run"], elapsed
