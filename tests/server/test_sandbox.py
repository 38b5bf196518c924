"""Hostile code through the service's room: each attack gets a clear verdict in time.

Every case runs candidate code through a real service's ``/room/.../run`` and
checks four things: the verdict names what stopped the code, it arrives
within the limit plus a second, no process of the run is left, and the service
goes on serving (the next, honest run passes).
"""

from __future__ import annotations

import json
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy.engine import make_url

from ipyinterview import Client
from ipyinterview.server import LocalService, sandbox
from ipyinterview.server.sandbox import isolation

from ..helpers import Room, read_interview
from .sandboxed import HONEST, LIMITS, run, run_processes

#: The verdicts must come within the wall limit and this.
GRACE = 1.0


#: Reaches Node's ``require`` from inside the harness's vm context: the vm
#: module is no boundary, so the sandbox must be.
NODE_REQUIRE = "this.constructor.constructor('return process')().mainModule.require"


@dataclass(frozen=True)
class Attack:
    name: str
    language: str
    body: str  # the function's body (Python) or whole statements (JavaScript)
    verdict: str  # words the run's verdict must contain ("a | b": either)
    leak: str | None = None  # text that must not reach the candidate

    def code(self) -> str:
        if self.language == "python":
            body = textwrap.indent(textwrap.dedent(self.body).strip(), "    ")
            return f"def pair_sum(nums, target):\n{body}\n"
        return f"function pairSum(nums, target) {{\n{self.body}\n}}\n"


ATTACKS = [
    Attack("infinite loop", "python", "while True: pass", "time limit"),
    Attack("print flood", "python", "while True: print('flood' * 100)", "output limit"),
    Attack("fork bomb", "python", "import os\nwhile True: os.fork()", "process limit"),
    Attack(
        "allocating 8 GB", "python", "return len(bytearray(8 * 2**30))", "memory limit"
    ),
    Attack(
        "allocating in many processes at once",
        "python",
        """
        import os, time
        for _ in range(6):
            if os.fork() == 0:
                kept = b'\\x01' * (300 * 2**20)
                time.sleep(60)
        time.sleep(60)
        """,
        "memory limit",
    ),
    Attack(
        "writing a 1 GB file",
        "python",
        """
        with open('big.bin', 'wb') as f:
            for _ in range(1024):
                f.write(b'0' * 2**20)
        """,
        "file size limit",
    ),
    Attack(
        "filling /tmp with files",
        "python",
        """
        for i in range(100_000):
            with open(f'/tmp/f{i}', 'wb') as f:
                f.write(b'0' * 500_000)
        """,
        "disk space limit",
    ),
    Attack(
        "writing into the system and the interpreter",
        "python",
        """
        import os, sys
        stdlib = os.path.dirname(os.__file__)
        for path in ('/usr/bin/x', sys.prefix + '/x', stdlib + '/x'):
            try:
                open(path, 'w').write('x')
                return 'wrote ' + path
            except OSError:
                pass
        raise PermissionError('nothing outside /box and /tmp is writable')
        """,
        "nothing outside",
        leak="wrote",
    ),
    Attack(
        "reading /etc/passwd",
        "python",
        "return open('/etc/passwd').read()",
        "Error",
        leak="root:",
    ),
    Attack(
        "reading the service's database",
        "python",
        "return open(DATABASE, 'rb').read().decode('latin-1')",
        "Error",
        leak="SQLite format",
    ),
    Attack(
        "opening a socket to the service",
        "python",
        """
        import socket
        socket.create_connection(('127.0.0.1', PORT), timeout=1).sendall(b'GET /')
        return 'connected'
        """,
        "Error",
        leak="connected",
    ),
    Attack(
        "opening a socket to the internet",
        "python",
        "import socket\nreturn str(socket.create_connection(('1.1.1.1', 80), 1))",
        "no network",
    ),
    Attack(
        "killing its parent",
        "python",
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nreturn 'killed'",
        "Error",
        leak="killed",
    ),
    Attack(
        "killing every process it can",
        "python",
        "import os, signal\nos.kill(-1, signal.SIGKILL)",
        "No such process",
    ),
    Attack(
        "sleeping past the wall limit",
        "python",
        "import time\ntime.sleep(600)",
        "time limit",
    ),
    Attack(
        "unbounded recursion",
        "python",
        "def down(n):\n    return down(n + 1)\nreturn down(0)",
        "recursion",
    ),
    Attack(
        "a recursion bomb past the recursion limit",
        "python",
        """
        import sys
        sys.setrecursionlimit(10**8)
        def down(n):
            return down(n + 1) + 1
        return down(0)
        """,
        "time limit | memory limit | crashed",
    ),
    Attack(
        "making a user namespace to mount over the system",
        "python",
        """
        import subprocess
        made = subprocess.run(['unshare', '-Urm', 'id'], capture_output=True, text=True)
        if made.returncode == 0:
            return 'made one: ' + made.stdout
        raise PermissionError('no user namespace: ' + made.stderr)
        """,
        "no user namespace",
        leak="made one",
    ),
    Attack(
        "calling kernel interfaces (bpf, io_uring, userfaultfd, keyctl)",
        "python",
        """
        import ctypes, platform
        if platform.machine() != 'x86_64':
            raise PermissionError('refused: the call numbers here are x86-64 ones')
        libc = ctypes.CDLL(None, use_errno=True)
        # The filter's answers: EPERM (1), or ENOSYS (38) for io_uring; the
        # kernel itself would say EINVAL or ENOKEY to these arguments.
        calls = {'bpf': 321, 'io_uring_setup': 425, 'userfaultfd': 323, 'keyctl': 250}
        errors = {}
        for name, number in calls.items():
            result = libc.syscall(number, 0, 0, 0, 0)
            errors[name] = 'ok' if result >= 0 else ctypes.get_errno()
        filtered = {'bpf': 1, 'io_uring_setup': 38, 'userfaultfd': 1, 'keyctl': 1}
        if errors != filtered:
            return f'allowed: {errors}'
        raise PermissionError(f'refused: {errors}')
        """,
        "refused",
        leak="allowed",
    ),
    Attack(
        "a daemon meant to outlive the run",
        "python",
        """
        import os, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                time.sleep(1000)
            os._exit(0)
        raise RuntimeError('daemon started')
        """,
        "daemon started",
    ),
    Attack("infinite loop", "javascript", "for (;;) {}", "time limit"),
    Attack(
        "allocating 8 GB",
        "javascript",
        "const kept = []; for (;;) kept.push(new Uint8Array(2 ** 28).fill(1));",
        "memory limit",
    ),
    Attack(
        "fork bomb",
        "javascript",
        f"const cp = {NODE_REQUIRE}('child_process');\n"
        "for (;;) cp.spawn('/bin/sh', ['-c', 'sleep 600']);",
        "process limit",
    ),
    Attack(
        "reading /etc/passwd",
        "javascript",
        f"return {NODE_REQUIRE}('fs').readFileSync('/etc/passwd', 'utf8');",
        "Error",
        leak="root:",
    ),
]


@pytest.fixture
def room(hardened: LocalService) -> Room:
    with Client(hardened.api_key, hardened.base_url) as api:
        user = api.create_user("Mallory", "mallory@example.com", external_id="mallory")
        created = api.create_session(user.token, "dsa-1", mode="chat")
        return Room(created.room_url(user.token))


def verdict_of(result: dict) -> str:
    errors = [result.get("error") or ""]
    errors += [r.get("error") or "" for r in result["results"]]
    return "\n".join(errors)


def summary(verdict: str) -> str:
    """Return a verdict's first line that is not part of a trace."""
    lines = [line for line in verdict.splitlines() if line.strip()]
    plain = [line for line in lines if not line.startswith(("Traceback", " "))]
    return (plain or lines or ["no error"])[0]


@pytest.mark.parametrize(
    "attack", ATTACKS, ids=[f"{a.language}: {a.name}" for a in ATTACKS]
)
def test_hostile_code_gets_a_verdict_in_time_and_leaves_nothing(
    attack: Attack, room: Room, hardened: LocalService, figures: ModuleType
) -> None:
    code = attack.code()
    database = make_url(hardened.settings.database_url).database
    code = code.replace("DATABASE", repr(database))
    code = code.replace("PORT", str(hardened.port))

    result, elapsed = run(room, attack.language, code)
    verdict = verdict_of(result)
    left = run_processes()
    honest, _ = run(room, attack.language, HONEST[attack.language])

    in_time = elapsed <= LIMITS.wall_seconds + GRACE
    named = any(words in verdict for words in attack.verdict.split(" | "))
    figures.record(
        "Runner sandbox",
        f"{attack.language}: {attack.name}",
        f"{elapsed:.2f} s: {summary(verdict)}",
        target=f"a verdict within {LIMITS.wall_seconds + GRACE:g} s, nothing left",
        met=in_time and not left and named,
    )
    assert named, verdict
    assert in_time, f"the verdict took {elapsed:.2f} s"
    assert left == []
    assert result["passed"] == 0
    if attack.leak:
        assert attack.leak not in str(result)
    assert honest["passed"] == honest["total"] > 0


def test_the_sandbox_sees_only_the_system_and_its_own_folders(room: Room) -> None:
    code = (
        "def pair_sum(nums, target):\n"
        "    import os\n"
        "    return [sorted(os.listdir('/etc')), os.getuid() != 0, os.getcwd(),\n"
        "            open('/proc/self/status').read().split('CapEff:')[1].split()[0]]\n"
    )

    result, _ = run(room, "python", code)
    etc, unprivileged, cwd, capabilities = result["results"][0]["got"]

    assert set(etc) <= {"ld.so.cache", "localtime", "alternatives"}
    assert unprivileged
    assert cwd == "/box"
    assert int(capabilities, 16) == 0


def test_a_machine_without_bubblewrap_refuses_when_isolation_is_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ipyinterview.server.content import TestCase
    from ipyinterview.server.runner import run_tests

    monkeypatch.setenv("IPYINTERVIEW_SANDBOX", "required")
    monkeypatch.setattr(
        sandbox, "isolation", lambda: sandbox.Isolation("none", "bwrap is missing")
    )

    result = run_tests(
        HONEST["python"],
        language="python",
        entry="pair_sum",
        tests=[(TestCase(args=[[1, 2], 3], expected=[0, 1]), False)],
    )

    assert "install bubblewrap" in result.error
    assert [r.status for r in result.results] == ["error"]


def test_an_interpreter_under_tmp_shows_through_the_private_tmp(
    tmp_path: Path,
) -> None:
    """A clone (and its virtual environment) under /tmp still runs code."""
    import subprocess
    import sys
    import venv

    if not str(tmp_path).startswith("/tmp/"):
        pytest.skip("the temporary folder is not under /tmp here")
    if isolation().level == "none":
        pytest.skip(f"no code isolation on this machine: {isolation().detail}")
    venv.EnvBuilder(symlinks=True).create(tmp_path / "venv")
    script = (
        "from ipyinterview.server.content import TestCase\n"
        "from ipyinterview.server.runner import run_tests\n"
        "case = TestCase(args=[1, 2], expected=3)\n"
        "run = run_tests('def add(a, b): return a + b', language='python',"
        " entry='add', tests=[(case, False)])\n"
        "print(run.results[0].status, run.error)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}

    done = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "python"), "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert done.stdout.split() == ["pass", "None"], done.stderr


def test_hidden_inputs_reach_neither_the_output_nor_the_visible_results(
    room: Room,
) -> None:
    code = (
        "import json\n"
        "def pair_sum(nums, target):\n"
        "    spec = json.load(open('/box/spec.json'))\n"
        "    print('SPEC', spec)\n"
        "    return [t['args'] for t in spec['tests']]\n"
    )
    hidden = read_interview("dsa-1")["problem"]["tests"]["hidden"]

    response = room.post("run", {"language": "python", "code": code, "submit": True})

    assert response.status_code == 200
    shown = response.text
    assert "SPEC" in shown  # the visible run's output is there
    for case in hidden:
        assert json.dumps(case["args"]) not in shown


def test_the_package_and_catalogue_are_hidden_when_installed_where_code_can_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A wheel installed in the interpreter's tree: its catalogue stays out of reach."""
    import ipyinterview
    from ipyinterview.server.content import TestCase
    from ipyinterview.server.runner import run_tests

    if isolation().level == "none":
        pytest.skip(f"no code isolation on this machine: {isolation().detail}")
    package = Path(ipyinterview.__file__).resolve().parent
    site = str(package.parent)
    roots = sandbox._interpreter_roots()
    monkeypatch.setattr(sandbox, "_interpreter_roots", lambda: [*roots, site])
    catalogue = package / "server" / "catalogue" / "interviews" / "dsa-1.json"
    assert catalogue.exists()
    code = (
        "import os\n"
        "def probe():\n"
        f"    readable = os.path.isdir({site!r})\n"
        "    try:\n"
        f"        open({str(catalogue)!r}).read()\n"
        "        return [readable, 'read the catalogue']\n"
        "    except OSError:\n"
        "        return [readable, 'hidden']\n"
    )

    run = run_tests(
        code,
        language="python",
        entry="probe",
        tests=[(TestCase(args=[], expected=[True, "hidden"]), False)],
    )

    assert run.results[0].got == [True, "hidden"]
