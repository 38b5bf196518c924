"""Candidate code against the runner's own files: the spec it reads, the
results it could write. Nothing it does there may pass a test or show what a
hidden test holds."""

from __future__ import annotations

import json

import pytest

from ipyinterview.server.runner import run_tests

from .test_runner import CASES


@pytest.mark.parametrize(
    ("language", "code"),
    [
        (
            "python",
            "import json, sys\n"
            "def add(a, b):\n"
            "    spec = json.load(open(sys.argv[1]))\n"
            "    return spec['tests'][0].get('expected', 'no expected value')\n",
        ),
        (
            "javascript",
            "const process_ = this.constructor.constructor('return process')();\n"
            "const fs = process_.mainModule.require('fs');\n"
            "function add(a, b) {\n"
            "  const spec = JSON.parse(fs.readFileSync(process_.argv[2], 'utf8'));\n"
            "  return spec.tests[0].expected ?? 'no expected value';\n"
            "}\n",
        ),
    ],
)
def test_code_that_reads_the_spec_finds_no_expected_values(
    language: str, code: str
) -> None:
    run = run_tests(code, language=language, entry="add", tests=CASES)

    assert [r.status for r in run.results] == ["fail", "fail"]


@pytest.mark.parametrize(
    ("language", "code", "error"),
    [
        pytest.param(
            "python",
            "import json, sys\n"
            "def add(a, b):\n"
            "    with open(sys.argv[2], 'a') as out:\n"
            "        for i in range(2):\n"
            "            line = json.dumps({'index': i, 'status': 'pass'})\n"
            "            out.write(line + '\\n')\n"
            "    import os; os._exit(0)\n",
            "wrote over the run's results",
            id="python-writes-passes",
        ),
        pytest.param(
            "javascript",
            "const req = this.constructor.constructor('return process')()"
            ".mainModule.require;\n"
            "function add(a, b) {\n"
            "  req('fs').writeFileSync(req('process').argv[3], '');\n"
            "  req('process').exit(0);\n"
            "}\n",
            # An error at once, not a timeout.
            "ended before this test reported",
            id="javascript-empties-results",
        ),
    ],
)
def test_code_that_forges_its_results_gets_errors_not_passes(
    language: str, code: str, error: str
) -> None:
    run = run_tests(code, language=language, entry="add", tests=CASES)

    assert [r.status for r in run.results] == ["error", "error"]
    assert error in run.results[0].error


def test_records_the_code_writes_itself_carry_nothing_of_the_hidden_inputs() -> None:
    # The code reads the hidden inputs from the spec and writes them into the
    # one field of a record a hidden test still shows: its time.
    forged = (
        "import json, sys, os\n"
        "_spec = json.load(open(sys.argv[1]))\n"
        "def add(a, b):\n"
        "    with open(sys.argv[2], 'a') as out:\n"
        "        for i, case in enumerate(_spec['tests']):\n"
        "            record = {'index': i, 'status': 'returned', 'got': 0,\n"
        "                      'ms': json.dumps(case['args']), 'extra': 1}\n"
        "            out.write(json.dumps(record) + '\\n')\n"
        "    os._exit(0)\n"
    )

    run = run_tests(forged, language="python", entry="add", tests=CASES)

    shown = run.to_dict()["results"]
    assert [r["ms"] for r in shown] == [None, None]
    assert "0.1" not in json.dumps(shown)
    assert all("extra" not in r for r in shown)
