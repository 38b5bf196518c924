"""The processes of a run, as Linux's /proc shows them.

Each function reads /proc afresh and treats a process that vanishes while it
is being read as gone: the processes are a hostile program's, which may exit,
fork or be killed at any moment.
"""

from __future__ import annotations

import os

_PAGE = os.sysconf("SC_PAGE_SIZE")


def descendants(root: int) -> list[int]:
    """Return every descendant of a process (from each thread's children list)."""
    found: list[int] = []
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in threads:
            try:
                with open(f"/proc/{pid}/task/{tid}/children", "rb") as children:
                    kids = [int(k) for k in children.read().split()]
            except OSError:
                continue
            found += kids
            pending += kids
    return found


def zombie(pid: int) -> bool:
    """Return whether a process has exited (a zombie, or gone already)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True


def in_group(group: int) -> list[int]:
    """Return the processes of a process group."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields: state, ppid, pgrp, ...
            found.append(int(entry))
    return found


def resident_bytes(pids: list[int]) -> int:
    """Return the memory the processes hold resident, together."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                total += int(statm.read().split()[1]) * _PAGE
        except (OSError, IndexError, ValueError):
            continue
    return total
