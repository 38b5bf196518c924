"""Run a candidate's Python function against test cases (executed in a child).

Usage: python -I harness.py SPEC.json RESULTS.jsonl

SPEC holds the source, the entry point name and each test's arguments (never
the expected values: the service compares what the function returned, so code
that reads SPEC learns nothing it could cheat with). One JSON line per test is
appended to RESULTS as soon as the test ends, so a run cut short by a limit
still reports every test that finished.
"""

import copy
import io
import json
import os
import sys
import time
import traceback


def trace(err):
    # Drop the harness's own frame: the candidate sees only their code.
    tb = err.__traceback__.tb_next if err.__traceback__ else None
    return "".join(traceback.format_exception(type(err), err, tb))


#: The longest returned value reported (as JSON text); longer is an error.
MAX_VALUE_CHARS = 64 * 1024


def encode(value):
    """Return (the value as JSON text, None), or (None, why it cannot be)."""
    try:
        text = json.dumps(value)
    except RecursionError:
        return None, "the returned value is nested too deeply to compare"
    except (TypeError, ValueError) as err:
        # Not JSON data (a set, an object...): its repr is shown, and fails.
        try:
            text = json.dumps(repr(value)[:MAX_VALUE_CHARS])
        except BaseException:
            return None, f"the returned value cannot be compared: {err}"
    if len(text) > MAX_VALUE_CHARS:
        return None, (
            f"the returned value is too large to compare ({len(text)} characters "
            f"as JSON; at most {MAX_VALUE_CHARS})"
        )
    return text, None


def main():
    spec_path, results_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)

    def emit(record, got=None):
        # One write per line, appended at once: a killed run leaves whole lines.
        line = json.dumps(record)
        if got is not None:
            line = line[:-1] + ', "got": ' + got + "}"
        with open(results_path, "a", encoding="utf-8") as out:
            out.write(line + "\n")

    namespace = {"__name__": "solution"}
    try:
        exec(compile(spec["code"], "solution.py", "exec"), namespace)
        func = namespace[spec["entry"]]
    except KeyError:
        emit({"fatal": f"define a function named {spec['entry']}"})
        return
    except BaseException as err:
        emit({"fatal": trace(err)})
        return

    harness_pid = os.getpid()
    for index, case in enumerate(spec["tests"]):
        start = time.perf_counter()
        try:
            sys.stdin = io.StringIO(case.get("stdin") or "")
            got = func(*copy.deepcopy(case["args"]))
            if os.getpid() != harness_pid:
                os._exit(0)  # a process the code forked: only the harness reports
            ms = round((time.perf_counter() - start) * 1000, 3)
            text, why = encode(got)
        except BaseException as err:
            if os.getpid() != harness_pid:
                os._exit(1)
            if isinstance(err, RecursionError):
                why = "RecursionError: maximum recursion depth exceeded"
            else:
                why = trace(err)
            text = None
        if text is None:
            emit({"index": index, "status": "error", "error": why})
        else:
            emit({"index": index, "status": "returned", "ms": ms}, got=text)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
