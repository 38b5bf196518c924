"""Run a candidate's SQL against test cases (executed in a child).

Usage: python -I harness_sql.py SPEC.json RESULTS.jsonl

SPEC holds the query, the problem's setup SQL and each test's seed (never the
expected rows: the service compares). Each test gets a fresh in-memory SQLite
database: the setup creates the tables, the test's one argument seeds them,
then the candidate's SQL runs and the rows of its last statement are
reported. One JSON line per test is appended to RESULTS as soon as the test
ends.
"""

import json
import sqlite3
import sys
import time

#: Rows reported at the most; a query returning more is an error.
MAX_ROWS = 10_000

#: SQL functions the candidate may not call: they reach native pointers or
#: load code.
DENIED_FUNCTIONS = {"fts3_tokenizer", "load_extension"}


def statements(script):
    """Split a script into complete statements (semicolons in strings kept)."""
    found, current = [], ""
    for part in script.split(";"):
        current += part + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \t\r\n;"):
                found.append(current)
            current = ""
    if current.strip(" \t\r\n;"):
        found.append(current)
    return found


def guard(action, arg1, arg2, *_):
    # The database lives in memory; the candidate may not open files.
    if action == sqlite3.SQLITE_ATTACH:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and str(arg2).lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def normal(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, bytes):
        return value.hex()
    return value


def run_case(setup, seed, code):
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(setup)
        db.executescript(seed)
        db.set_authorizer(guard)
        rows = None
        for statement in statements(code):
            cursor = db.execute(statement)
            if cursor.description is not None:
                rows = cursor.fetchmany(MAX_ROWS + 1)
        return rows
    finally:
        db.close()


#: The longest result reported (as JSON text); longer is an error.
MAX_VALUE_CHARS = 256 * 1024


def run_all(spec, emit):
    if not statements(spec["code"]):
        emit({"fatal": "write a SELECT query that returns the rows asked for"})
        return
    for index, case in enumerate(spec["tests"]):
        try:
            emit({"index": index, **run_test(spec, case)})
        except MemoryError:
            emit({"index": index, "status": "error", "error": "MemoryError"})


def run_test(spec, case):
    start = time.perf_counter()
    try:
        rows = run_case(spec["setup"], case["args"][0], spec["code"])
    except sqlite3.Error as err:
        return {"status": "error", "error": f"SQL error: {err}"}
    ms = round((time.perf_counter() - start) * 1000, 3)
    if rows is None:
        error = "the last statement returned no rows: end with a SELECT"
        return {"status": "error", "error": error}
    if len(rows) > MAX_ROWS:
        error = f"the query returned more than {MAX_ROWS} rows: return fewer"
        return {"status": "error", "error": error}
    got = [[normal(v) for v in row] for row in rows]
    if len(json.dumps(got)) > MAX_VALUE_CHARS:
        error = f"the rows are too large to compare (over {MAX_VALUE_CHARS} characters)"
        return {"status": "error", "error": error}
    return {"status": "returned", "got": got, "ms": ms}


def main():
    spec_path, results_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    with open(results_path, "a", encoding="utf-8") as out:

        def emit(record):
            out.write(json.dumps(record) + "\n")
            out.flush()

        run_all(spec, emit)


if __name__ == "__main__":
    main()
