"""The system call filter (seccomp) of sandboxed code runs.

Bubblewrap installs it (``--seccomp FD``) before the run's program starts;
libseccomp compiles it, through ``pyseccomp``. Everything not named here is
allowed: the filter narrows what the kernel offers code that already runs in
namespaces, as an unprivileged user, with no capabilities.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import tempfile

logger = logging.getLogger(__name__)

#: System calls refused to sandboxed code, and the error it gets: user
#: namespaces (in one of its own, code could mount and reach kernel code only
#: root reaches) and kernel interfaces common in privilege escalations that a
#: test solution never needs. clone3 passes its flags in memory a filter cannot
#: read, so it is refused as missing: the C library then falls back to clone.
FILTERED_CALLS = {
    "clone3": errno.ENOSYS,
    "io_uring_setup": errno.ENOSYS,  # libuv (Node.js) falls back to threads.
    "bpf": errno.EPERM,
    "perf_event_open": errno.EPERM,
    "userfaultfd": errno.EPERM,
    "keyctl": errno.EPERM,
    "add_key": errno.EPERM,
    "request_key": errno.EPERM,
}
CLONE_NEWUSER = 0x10000000


@functools.cache
def syscall_filter() -> bytes | None:
    """Return the compiled filter (BPF) runs get, or None without libseccomp.

    Calls of another architecture's ABI (32-bit calls on x86-64) kill the
    process: the filter reads system call numbers of this one only.
    """
    try:
        import pyseccomp as seccomp
    except (ImportError, OSError) as err:  # OSError: libseccomp.so missing.
        logger.warning("no system call filter for code runs: %s", err)
        return None
    rules = seccomp.SyscallFilter(seccomp.ALLOW)
    new_user = seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER)
    for call in ("unshare", "clone"):
        rules.add_rule(seccomp.ERRNO(errno.EPERM), call, new_user)
    for call, error in FILTERED_CALLS.items():
        rules.add_rule(seccomp.ERRNO(error), call)
    with tempfile.TemporaryFile() as compiled:
        rules.export_bpf(compiled)
        compiled.seek(0)
        return compiled.read()


def bwrap_args() -> tuple[list[str], tuple[int, ...]]:
    """Return bubblewrap's arguments that install the filter, and the fd to pass.

    The fd is a pipe's read end holding the filter; the caller closes it once
    bubblewrap has started. Without a filter: no arguments, no fd.
    """
    program = syscall_filter()
    if program is None:
        return [], ()
    read, write = os.pipe()
    os.write(write, program)  # Far below a pipe's buffer: never blocks.
    os.close(write)
    return ["--seccomp", str(read)], (read,)
