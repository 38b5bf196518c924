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


def plain(value):
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return repr(value)


def main():
    spec_path, results_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)

    def emit(record):
        # One write per line, appended at once: a killed run leaves whole lines.
        with open(results_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")

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
        except RecursionError:
            emit(
                {
                    "index": index,
                    "status": "error",
                    "error": "RecursionError: maximum recursion depth exceeded",
                }
            )
            continue
        except BaseException as err:
            if os.getpid() != harness_pid:
                os._exit(1)
            emit({"index": index, "status": "error", "error": trace(err)})
            continue
        ms = (time.perf_counter() - start) * 1000
        emit(
            {
                "index": index,
                "status": "returned",
                "got": plain(got),
                "ms": round(ms, 3),
            }
        )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
