"""The code runner: verdicts per test, limits, no leftovers."""

from __future__ import annotations

import signal
import subprocess
import textwrap
import time

import pytest

from ipyinterview.server.content import TestCase
from ipyinterview.server.runner import Limits, RunResult, run_tests
from ipyinterview.server.verdicts import termination_reason


def run_add(body: str, tests: list | None = None, **limits: float) -> RunResult:
    """Run ``def add(a, b):`` with ``body`` (one indented block) in Python."""
    code = "def add(a, b):\n" + textwrap.indent(body, "    ") + "\n"
    return run_tests(
        code,
        language="python",
        entry="add",
        tests=tests or CASES[:1],
        limits=Limits(**limits),
    )


#: Node's fs from inside the harness's vm context (the vm is no boundary).
NODE_FS = "this.constructor.constructor('return process')().mainModule.require('fs')"

CASES = [
    (TestCase(args=[2, 3], expected=5), False),
    (TestCase(args=[0.1, 0.2], expected=0.3), True),
]


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "def add(a, b):\n    return a + b\n"),
        ("javascript", "function add(a, b) { return a + b; }\n"),
    ],
)
def test_numbers_compare_with_a_tolerance(language: str, code: str) -> None:
    run = run_tests(code, language=language, entry="add", tests=CASES)

    assert [r.status for r in run.results] == ["pass", "pass"]


def test_a_wrong_answer_is_a_fail_with_what_it_got() -> None:
    run = run_add("return a - b")

    assert run.results[0].status == "fail"
    assert run.results[0].got == -1


def test_an_exception_is_an_error_with_the_candidates_trace() -> None:
    run = run_add("raise ValueError('boom')")

    assert run.results[0].status == "error"
    assert "ValueError: boom" in run.results[0].error
    assert "harness" not in run.results[0].error


def test_a_missing_function_says_what_to_define() -> None:
    run = run_tests("x = 1\n", language="python", entry="add", tests=CASES)

    assert all(r.status == "error" for r in run.results)
    assert "define a function named add" in run.error


def test_an_infinite_loop_times_out_near_the_limit() -> None:
    started = time.monotonic()

    run = run_add("while True: pass", CASES, wall_seconds=1.0)

    # Within the limit and a second, hidden tests included: not run again.
    assert time.monotonic() - started < 2.0
    assert [r.status for r in run.results] == ["timeout", "timeout"]
    assert "time limit" in run.error
    assert "hidden tests not run" in run.to_dict()["error"]


@pytest.mark.parametrize(
    ("language", "code", "verdict"),
    [
        ("python", "x = bytearray(8 * 1024**3)\n", "memory limit exceeded"),
        (
            "python",
            "open('big', 'wb').write(b'x' * (2 << 20))\n",
            "file size limit exceeded",
        ),
        ("python", "while True: print('A' * 1000)\n", "output limit exceeded"),
        (
            "javascript",
            f"{NODE_FS}.writeFileSync('big', 'x'.repeat(2 << 20));\n",
            "file size limit exceeded",
        ),
        (
            "javascript",
            f"for (let i = 0; ; i++) {NODE_FS}.writeFileSync('/tmp/f' + i, "
            "'x'.repeat(500000));\n",
            "disk space limit exceeded",
        ),
    ],
)
def test_a_limit_met_by_top_level_code_is_named(
    language: str, code: str, verdict: str
) -> None:
    # Code outside the function runs while the harness loads it.
    run = run_tests(code, language=language, entry="add", tests=CASES[:1])

    assert run.error.startswith(verdict)
    assert run.results[0].error.startswith(verdict)


def test_a_print_flood_is_cut_with_a_marker() -> None:
    code = "def add(a, b):\n    while True: print('hi')\n"

    run = run_tests(
        code,
        language="python",
        entry="add",
        tests=CASES,
        limits=Limits(wall_seconds=2.0, output_bytes=4096),
    )

    assert "output limit" in run.error
    assert "output limit" in run.results[0].error
    assert run.output.endswith(
        "[output cut: the run printed more than the limit allows]"
    )
    assert len(run.output) < 4096 + 100


def test_unicode_survives_the_round_trip() -> None:
    tests = [(TestCase(args=["héllo ✓"], expected="✓ olléh"), False)]

    run = run_tests(
        "def rev(s):\n    print(s)\n    return s[::-1]\n",
        language="python",
        entry="rev",
        tests=tests,
    )

    assert run.results[0].status == "pass"
    assert "héllo ✓" in run.output


def test_children_do_not_outlive_the_run() -> None:
    code = (
        "import subprocess\n"
        "def add(a, b):\n"
        "    subprocess.Popen(['sleep', '7.25'])\n"
        "    while True: pass\n"
    )

    run_tests(
        code,
        language="python",
        entry="add",
        tests=CASES[:1],
        limits=Limits(wall_seconds=0.5),
    )
    survivors = subprocess.run(["pgrep", "-f", "sleep 7.25"], capture_output=True)

    assert survivors.stdout == b""


def test_the_next_run_works_after_a_timeout() -> None:
    run_add("while True: pass", None, wall_seconds=0.5)

    run = run_add("return a + b")

    assert run.results[0].status == "pass"


def test_a_test_can_feed_standard_input() -> None:
    tests = [(TestCase(args=[], expected=7, stdin="3 4\n"), False)]
    code = "def total():\n    return sum(map(int, input().split()))\n"

    run = run_tests(code, language="python", entry="total", tests=tests)

    assert run.results[0].status == "pass"


def test_the_code_has_no_network_where_the_machine_allows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import shutil
    import socket

    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("network isolation needs root and unshare on this machine")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    code = (
        "import socket\n"
        "def probe():\n"
        "    try:\n"
        f"        socket.create_connection(('127.0.0.1', {port}), timeout=1)\n"
        "        return 'connected'\n"
        "    except OSError as err:\n"
        "        return 'blocked'\n"
    )

    run = run_tests(
        code,
        language="python",
        entry="probe",
        tests=[(TestCase(args=[], expected="blocked"), False)],
    )
    listener.close()

    assert run.results[0].status == "pass", run.results[0].got


def test_a_fork_bomb_is_stopped_and_leaves_no_process() -> None:
    code = (
        "import os, time\n"
        "def add(a, b):\n"
        "    for _ in range(50):\n"
        "        if os.fork() == 0:\n"
        "            os.execv('/bin/sleep', ['sleep', '31.25'])\n"
        "    time.sleep(10)\n"
    )
    started = time.monotonic()

    run = run_tests(
        code,
        language="python",
        entry="add",
        tests=CASES[:1],
        limits=Limits(wall_seconds=3.0),
    )
    elapsed = time.monotonic() - started
    survivors = subprocess.run(["pgrep", "-f", "sleep 31.25"], capture_output=True)

    assert "process limit reached" in run.error
    assert elapsed < 2.0
    assert survivors.stdout == b""


def test_a_refused_system_call_is_named() -> None:
    reason = termination_reason(
        -signal.SIGSYS, None, flooded=False, limits=Limits(), seconds=0.1, output=""
    )

    assert reason is not None
    assert reason.startswith("the program made a system call the sandbox refuses")


def test_without_bubblewrap_runs_still_work_under_the_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ipyinterview.server import sandbox

    monkeypatch.setattr(
        sandbox, "isolation", lambda: sandbox.Isolation("none", "switched off")
    )

    honest = run_add("return a + b")
    looping = run_add("while True: pass", wall_seconds=0.5)
    forking = run_add(
        "import os, time\nfor _ in range(40):\n"
        "    if os.fork() == 0:\n        time.sleep(30)\n        os._exit(0)\n"
        "time.sleep(10)",
        wall_seconds=3.0,
    )

    assert honest.results[0].status == "pass"
    assert "time limit" in looping.error
    assert "process limit" in forking.error


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("return 10 ** 5000", "cannot be compared"),
        (
            "x = []\nfor _ in range(5000): x = [x]\nreturn x",
            "nested too deeply",
        ),
        ("return 'x' * 1_000_000", "too large to compare"),
        (
            "class Odd:\n    def __repr__(self): raise SystemExit\nreturn Odd()",
            "cannot be compared",
        ),
        ("return list(range(5_000_000))", "too large to compare"),
    ],
    ids=["huge int", "deep nesting", "huge string", "repr exits", "huge list"],
)
def test_values_that_cannot_be_compared_get_an_error_that_says_why(
    body: str, words: str
) -> None:
    run = run_add(body)

    assert run.results[0].status == "error"
    assert words in run.results[0].error


def test_text_that_is_not_valid_unicode_comes_back_replaced() -> None:
    run = run_add("return '\\ud800' + 'ok'")

    assert run.results[0].got == "\ufffdok"


@pytest.mark.parametrize(
    "body",
    [
        "import os\nos._exit(137)",
        "import os\nos.kill(os.getpid(), 9)",
    ],
)
def test_code_that_kills_itself_is_not_called_slow(body: str) -> None:
    run = run_add(body)

    assert "time limit" not in (run.error or "")
    assert run.results[0].status == "error"
    assert "SIGKILL" in run.error


def test_javascript_running_out_of_heap_names_the_memory_limit() -> None:
    code = (
        "function add(a, b) {\n"
        "  const kept = [];\n"
        "  for (;;) kept.push(new Array(1e6).fill(1));\n"
        "}\n"
    )

    run = run_tests(code, language="javascript", entry="add", tests=CASES[:1])

    assert "memory limit" in run.error


def test_an_unknown_sandbox_setting_refuses_to_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IPYINTERVIEW_SANDBOX", "require")

    run = run_add("return a + b")

    assert run.results[0].status == "error"
    assert "IPYINTERVIEW_SANDBOX is 'require'" in run.error
