"""Hostile code through the service's room: each attack gets a clear verdict in time.

Every case runs candidate code through a real service's ``/room/.../run`` and
checks four things: the verdict names what stopped the code, it arrives
within the limit plus a second, no process of the run is left, and the service
goes on serving (the next, honest run passes).
"""

from __future__ import annotations

import asyncio
import json
import os
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import httpx
import pytest
from sqlalchemy.engine import make_url

from ipyinterview import Client
from ipyinterview.server import LocalService, procfs, sandbox
from ipyinterview.server.runner import Limits
from ipyinterview.server.sandbox import isolation

from ..helpers import Room, read_interview

#: Short limits keep the suite quick; the verdicts must still come within +1 s.
LIMITS = Limits(wall_seconds=2.0, cpu_seconds=2)
GRACE = 1.0

HONEST = read_interview("dsa-1")["problem"]["solutions"]

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


@pytest.fixture(scope="module")
def hardened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalService]:
    if isolation().level == "none":
        pytest.skip(f"no code isolation on this machine: {isolation().detail}")
    folder = tmp_path_factory.mktemp("sandboxed")
    with LocalService(db_path=folder / "service.db", run_limits=LIMITS) as running:
        yield running


@pytest.fixture
def room(hardened: LocalService) -> Room:
    with Client(hardened.api_key, hardened.base_url) as api:
        user = api.create_user("Mallory", "mallory@example.com", external_id="mallory")
        created = api.create_session(user.token, "dsa-1", mode="chat")
        return Room(created.room_url(user.token))


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
    started = time.monotonic()
    response = room.post("run", {"language": language, "code": code})
    elapsed = time.monotonic() - started
    assert response.status_code == 200, response.text
    return response.json()["run"], elapsed


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


def open_rooms(service: LocalService, count: int, name: str) -> list[Room]:
    """Open ``count`` rooms of the coding interview, one candidate each."""
    with Client(service.api_key, service.base_url) as api:
        rooms = []
        for number in range(count):
            user = api.create_user(
                f"{name} {number}",
                f"{name}{number}@example.com",
                external_id=f"{name}-{number}",
            )
            created = api.create_session(user.token, "dsa-1", mode="chat")
            rooms.append(Room(created.room_url(user.token)))
        return rooms


SLEEPER = "import time\ndef pair_sum(nums, target):\n    time.sleep(SECONDS)\n"


def test_a_burst_of_runs_queues_and_the_rooms_keep_answering(
    hardened: LocalService,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from ipyinterview.server.runner import CONCURRENT_RUNS

    rooms = open_rooms(hardened, 4 * CONCURRENT_RUNS, "burst")
    slow = SLEEPER.replace("SECONDS", "0.05")

    def submit(room: Room) -> int:
        return room.post("run", {"language": "python", "code": slow}).status_code

    with ThreadPoolExecutor(len(rooms)) as pool:
        runs = pool.map(submit, rooms)
        time.sleep(0.5)
        waits = []
        for _ in range(5):
            started = time.monotonic()
            assert rooms[0].get("state").status_code == 200
            waits.append(time.monotonic() - started)
        statuses = list(runs)

    assert statuses == [200] * len(rooms)
    assert max(waits) < 1.0, waits


def test_one_room_runs_one_at_a_time_and_leaves_the_other_rooms_their_turn(
    hardened: LocalService,
) -> None:
    from ipyinterview.server.runner import CONCURRENT_RUNS

    greedy, other = open_rooms(hardened, 2, "greedy")
    sleeper = SLEEPER.replace("SECONDS", "1.5")

    async def flood_then_run() -> tuple[list[int], float]:
        async with httpx.AsyncClient(headers=greedy.headers, timeout=30) as http:
            body = {"language": "python", "code": sleeper}
            flood = [
                asyncio.ensure_future(http.post(f"{greedy.base}/run", json=body))
                for _ in range(2 * CONCURRENT_RUNS)
            ]
            await asyncio.sleep(0.3)
            started = time.monotonic()
            async with httpx.AsyncClient(headers=other.headers, timeout=30) as mine:
                honest = {"language": "python", "code": HONEST["python"]}
                response = await mine.post(f"{other.base}/run", json=honest)
            assert response.status_code == 200
            waited = time.monotonic() - started
            return [r.status_code for r in await asyncio.gather(*flood)], waited

    statuses, waited = asyncio.run(flood_then_run())

    # The greedy room's runs went one after another; the other room's run
    # did not queue behind them.
    assert statuses == [200] * (2 * CONCURRENT_RUNS)
    assert waited < 1.5, waited


def test_a_run_whose_caller_hangs_up_is_cancelled(hardened: LocalService) -> None:
    (room,) = open_rooms(hardened, 1, "quitter")
    sleeper = SLEEPER.replace("SECONDS", "30")
    body = {"language": "python", "code": sleeper}
    for _ in range(3):
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{room.base}/run", headers=room.headers, json=body, timeout=0.5)
    time.sleep(1.0)

    # Nothing of the abandoned runs is left, and the room's next run is served
    # at once, not after them.
    assert run_processes() == []
    started = time.monotonic()
    result, _ = run(room, "python", HONEST["python"])
    assert time.monotonic() - started < 2.0
    assert result["error"] is None


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
