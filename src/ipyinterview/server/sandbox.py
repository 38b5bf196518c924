"""Isolation for candidate code: bubblewrap namespaces and a user id of its own.

The level is chosen once per process, from what the machine allows:

``bubblewrap``
    The service runs as root and ``bwrap`` works. Each run gets new PID,
    network, IPC and UTS namespaces, a read-only view of the system (``/usr``
    and the interpreter's folders only: no ``/etc/passwd``, no home folders, no
    service database), private size-capped ``/tmp`` and working folder, and it
    runs as an unprivileged user id of its own with no capabilities and
    ``no_new_privs``. That user id makes ``RLIMIT_NPROC`` a hard cap on its
    processes, and it cannot signal anything outside the run. A system call
    filter (:mod:`.syscalls`) keeps it from making user namespaces and
    from kernel interfaces code needs no access to.
``bubblewrap-userns``
    Not root, but unprivileged user namespaces work: the same namespaces and
    mounts, as the service's own user inside a user namespace. Processes are
    capped by the watcher only (``RLIMIT_NPROC`` would count all of the
    user's processes). The same system call filter.
``none``
    No bubblewrap: the code runs in its own process group with the resource
    limits only (and, as root, without network through ``unshare --net``).
    Install bubblewrap (``apt-get install bubblewrap``) for real isolation.

``IPYINTERVIEW_SANDBOX=required`` makes a run fail with a clear error rather
than run without bubblewrap; ``IPYINTERVIEW_SANDBOX=off`` skips it; any other
value is refused, so that a typo cannot run code unisolated.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from . import procfs, syscalls

logger = logging.getLogger(__name__)

Level = Literal["bubblewrap", "bubblewrap-userns", "none"]

#: Where the run's files appear inside the sandbox.
BOX = "/box"
HARNESS_MOUNT = "/harness"

#: Unprivileged user ids for runs, when the service is root: one per run in turn,
#: spread by process id so that two services rarely share one.
_UID_BASE = 200_000 + (os.getpid() % 65_536) * 64
_next_uid = itertools.count()


class SandboxUnavailable(RuntimeError):
    """Code isolation was required but bubblewrap cannot run on this machine."""


@dataclass(frozen=True)
class Isolation:
    """The isolation level runs get here, and why."""

    level: Level
    detail: str
    #: Whether runs get the system call filter (libseccomp is needed).
    filtered: bool = False


def _system_mounts() -> list[str]:
    args = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        path = Path(top)
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), top]
        elif path.is_dir():
            args += ["--ro-bind", top, top]
    # /etc holds only what loaders need: no passwd, no configuration to read.
    args += ["--perms", "0755", "--dir", "/etc"]
    for name in ("ld.so.cache", "localtime", "alternatives"):
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return args


def python_executable() -> str:
    """Return the interpreter that runs Python code: the base one, not a venv's.

    The harness needs only the standard library, so the sandbox needs only
    the base installation, not the virtual environment and its packages.
    """
    base = getattr(sys, "_base_executable", None) or sys.executable
    return str(Path(base).resolve())


def _interpreter_roots() -> list[str]:
    """Folders outside /usr that the interpreters need, read-only."""
    roots = {sys.base_prefix, str(Path(python_executable()).parents[1])}
    node = shutil.which("node")
    if node:
        roots.add(str(Path(node).resolve().parents[1]))
    kept: list[str] = []
    for root in sorted(roots, key=len):
        if root in ("/", "/usr") or root.startswith("/usr/"):
            continue
        if not any(root == k or root.startswith(k + "/") for k in kept):
            kept.append(root)
    return kept


def _private_paths(extra: tuple[Path, ...]) -> list[str]:
    """Folders to hide when they lie inside what the sandbox can read.

    This package (its catalogue holds the expected answers and reference
    solutions: a system-wide install puts it under /usr), ipyinterview's home
    (keys, the embedded service's database), and what the caller adds.
    """
    from .._paths import home

    readable = ["/usr", *_interpreter_roots()]
    candidates = [Path(__file__).resolve().parents[1], *extra]
    with contextlib.suppress(OSError):
        candidates.append(home().resolve())
    needed = [*_interpreter_roots(), python_executable(), shutil.which("node") or ""]
    hidden = []
    for path in candidates:
        text = str(path.resolve())
        inside = any(text == r or text.startswith(r + "/") for r in readable)
        # Never hide what runs the code (a database kept beside the interpreter).
        holds_interpreter = any(n == text or n.startswith(text + "/") for n in needed)
        if inside and not holds_interpreter:
            hidden.append(text)
    return hidden


def _namespace_args(level: Level) -> list[str]:
    if level == "bubblewrap":
        # Root keeps the host's user namespace so that the run can drop to a
        # user id of its own (a user namespace would map only root).
        shared = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
        return [*shared, "--unshare-cgroup-try"]
    return ["--unshare-all"]


def _bwrap_prefix(level: Level, scratch_bytes: int) -> list[str]:
    bwrap = shutil.which("bwrap")
    assert bwrap is not None
    args = [bwrap, *_namespace_args(level), "--die-with-parent", "--new-session"]
    args += _system_mounts()
    for folder in ("/tmp", BOX):
        args += ["--size", str(scratch_bytes), "--perms", "1777", "--tmpfs", folder]
    # After the private /tmp: an interpreter may live under /tmp (a virtual
    # environment in a clone there), and must show through it.
    made: set[str] = set()
    for root in _interpreter_roots():
        # Folders bubblewrap makes on the way are private (0700): make them
        # passable, or the sandbox's user could not reach the interpreter.
        for parent in reversed(Path(root).parents[:-1]):
            if str(parent) not in made and str(parent) != "/tmp":
                made.add(str(parent))
                args += ["--perms", "0755", "--dir", str(parent)]
        args += ["--ro-bind", root, root]
    args += ["--proc", "/proc", "--dev", "/dev"]
    return args


def _drop_to(uid: int) -> list[str]:
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--no-new-privs",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]


#: What IPYINTERVIEW_SANDBOX may say.
SANDBOX_CHOICES = ("auto", "required", "off")


def sandbox_setting() -> str:
    """Return IPYINTERVIEW_SANDBOX (``auto`` when unset).

    Raises:
        SandboxUnavailable: the variable holds something else (a typo must not
            silently run code without isolation).
    """
    wanted = os.environ.get("IPYINTERVIEW_SANDBOX", "auto").strip().lower() or "auto"
    if wanted not in SANDBOX_CHOICES:
        raise SandboxUnavailable(
            f"IPYINTERVIEW_SANDBOX is {wanted!r}; set it to one of "
            f"{', '.join(SANDBOX_CHOICES)} (or unset it for auto)"
        )
    return wanted


@functools.cache
def isolation() -> Isolation:
    """Return the isolation level available here (probed once per process)."""
    if sandbox_setting() == "off":
        return Isolation("none", "switched off by IPYINTERVIEW_SANDBOX=off")
    if shutil.which("bwrap") is None:
        why = "bubblewrap is not installed (apt-get install bubblewrap)"
        return Isolation("none", why)
    level: Level = "bubblewrap" if os.geteuid() == 0 else "bubblewrap-userns"
    if level == "bubblewrap" and shutil.which("setpriv") is None:
        return Isolation("none", "setpriv (util-linux) is missing")
    filter_args, fds = syscalls.bwrap_args()
    command = [*_bwrap_prefix(level, 1 << 20), *filter_args]
    if level == "bubblewrap":
        command += _drop_to(_UID_BASE)
    try:
        probe = subprocess.run(
            [*command, "true"], capture_output=True, text=True, pass_fds=fds
        )
    finally:
        for fd in fds:
            os.close(fd)
    if probe.returncode != 0:
        why = probe.stderr.strip() or f"exit status {probe.returncode}"
        return Isolation("none", f"bubblewrap cannot start here: {why}")
    detail = {
        "bubblewrap": "namespaces, read-only system, a user id per run",
        "bubblewrap-userns": "namespaces in a user namespace (not root)",
    }[level]
    if fds:
        detail += ", a system call filter"
    return Isolation(level, detail, filtered=bool(fds))


def require_isolation() -> Isolation:
    """Return the isolation level, or raise if it is required and missing.

    Raises:
        SandboxUnavailable: IPYINTERVIEW_SANDBOX=required and bubblewrap
            cannot run here, or IPYINTERVIEW_SANDBOX holds an unknown value.
    """
    wanted = sandbox_setting()
    found = isolation()
    if wanted == "required" and found.level == "none":
        raise SandboxUnavailable(
            f"this service requires isolated code runs, but {found.detail}; "
            "install bubblewrap or unset IPYINTERVIEW_SANDBOX"
        )
    return found


class Jail:
    """One run's sandbox: the command that enters it, and its processes.

    Args:
        scratch: the host folder holding the run's ``spec.json`` (read-only in
            the sandbox) and ``results.jsonl`` (writable), both under ``/box``.
        harness: the host folder of the harness scripts (``/harness``).
        scratch_bytes: the size of the sandbox's ``/tmp`` and ``/box`` each.
        private: more folders to hide if the sandbox could read them (a
            custom catalogue, the database's folder).
    """

    def __init__(
        self,
        scratch: Path,
        harness: Path,
        scratch_bytes: int,
        private: tuple[Path, ...] = (),
    ) -> None:
        self.level = require_isolation().level
        self.private = private
        self.scratch = scratch
        self.harness = harness
        self.scratch_bytes = scratch_bytes
        self.uid: int | None = None
        if self.level == "bubblewrap":
            self.uid = _UID_BASE + next(_next_uid) % 64
        self._info_read: int | None = None
        self._init_pid: int | None = None
        self._namespace: str | None = None

    @property
    def isolated(self) -> bool:
        """Whether the run is in namespaces of its own."""
        return self.level != "none"

    def paths(self) -> tuple[str, str, str]:
        """Return the spec, results and harness paths as the run sees them."""
        if not self.isolated:
            return (
                str(self.scratch / "spec.json"),
                str(self.scratch / "results.jsonl"),
                str(self.harness),
            )
        return f"{BOX}/spec.json", f"{BOX}/results.jsonl", HARNESS_MOUNT

    def command(self, program: list[str]) -> tuple[list[str], tuple[int, ...]]:
        """Return the command that runs ``program`` in the sandbox, and fds to pass."""
        if not self.isolated:
            return [*_no_network(), *program], ()
        results = self.scratch / "results.jsonl"
        results.touch()
        if self.uid is not None:
            os.chown(results, self.uid, self.uid)
        read, write = os.pipe()
        self._info_read = read
        args = [*_bwrap_prefix(self.level, self.scratch_bytes), "--info-fd", str(write)]
        for folder in _private_paths(self.private):
            args += ["--size", "4096", "--perms", "0000", "--tmpfs", folder]
        args += ["--ro-bind", str(self.scratch / "spec.json"), f"{BOX}/spec.json"]
        args += ["--bind", str(results), f"{BOX}/results.jsonl"]
        args += ["--ro-bind", str(self.harness), HARNESS_MOUNT, "--chdir", BOX]
        filter_args, fds = syscalls.bwrap_args()
        args += filter_args
        if self.uid is not None:
            args += _drop_to(self.uid)
        return [*args, *program], (write, *fds)

    def started(self, fds: tuple[int, ...]) -> None:
        """Learn the sandbox's namespace once bubblewrap has set it up.

        ``fds`` are those :meth:`command` returned, closed here.
        """
        for fd in fds:
            os.close(fd)
        if self._info_read is None:
            return
        # Bubblewrap writes one JSON object once the sandbox is set up (and
        # keeps the pipe open), or exits without writing if it failed.
        data = b""
        try:
            while chunk := os.read(self._info_read, 4096):
                data += chunk
                with contextlib.suppress(ValueError):
                    self._init_pid = int(json.loads(data)["child-pid"])
                    break
        finally:
            os.close(self._info_read)
        if self._init_pid is not None:
            with contextlib.suppress(OSError):
                self._namespace = os.readlink(f"/proc/{self._init_pid}/ns/pid")

    def processes(self, proc: subprocess.Popen[bytes]) -> list[int]:
        """Return the run's live processes (the sandbox's init not counted)."""
        if not self.isolated:
            return procfs.in_group(proc.pid)
        if self._init_pid is None:
            return []
        return [p for p in procfs.descendants(self._init_pid) if not procfs.zombie(p)]

    def kill(self, proc: subprocess.Popen[bytes]) -> None:
        """Kill every process of the run and wait until none is left."""
        if not self.isolated:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return
        # Killing a PID namespace's init kills everything in the namespace, and
        # the init exits last: once it is gone (or a zombie), nothing is left.
        init = self._init_pid
        if init is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(init, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 2.0
        while init is not None and time.monotonic() < deadline:
            if not self._namespace_alive(init):
                break
            time.sleep(0.005)

    def _namespace_alive(self, init: int) -> bool:
        try:
            same = os.readlink(f"/proc/{init}/ns/pid") == self._namespace
            return same and not procfs.zombie(init)
        except OSError:
            return False


@functools.cache
def _no_network() -> list[str]:
    """Return a prefix that cuts the network without bubblewrap (root only)."""
    unshare = shutil.which("unshare")
    if os.geteuid() != 0 or unshare is None:
        logger.warning(
            "code runs with the machine's network and file system: "
            "install bubblewrap to isolate it"
        )
        return []
    probe = subprocess.run([unshare, "--net", "true"], capture_output=True)
    return [unshare, "--net", "--"] if probe.returncode == 0 else []
