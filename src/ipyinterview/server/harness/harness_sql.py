"""Run a candidate's SQL against test cases (executed in a child).

Usage: python -I harness_sql.py SPEC.json RESULTS.jsonl

SPEC holds the query, the problem's setup SQL, whether row order matters and
the tests. Each test gets a fresh in-memory SQLite database: the setup creates
the tables, the test's one argument seeds them, then the candidate's SQL runs
and the rows of its last statement are compared with the expected rows. One
JSON line per test is appended to RESULTS as soon as the test ends.
"""

import json
import sqlite3
import sys
import time

#: Rows shown back to the candidate at the most.
SHOWN_ROWS = 50


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


def no_attach(action, *_):
    # The database lives in memory; the candidate may not open files.
    return sqlite3.SQLITE_DENY if action == sqlite3.SQLITE_ATTACH else sqlite3.SQLITE_OK


def normal(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, bytes):
        return value.hex()
    return value


def sort_key(row):
    # None first, then numbers, then text: rows of mixed types still sort.
    return [
        (0, 0, "")
        if v is None
        else (1, v, "")
        if isinstance(v, (int, float))
        else (2, 0, str(v))
        for v in row
    ]


def same_rows(got, expected, ordered):
    got = [[normal(v) for v in row] for row in got]
    expected = [[normal(v) for v in row] for row in expected]
    if not ordered:
        got, expected = sorted(got, key=sort_key), sorted(expected, key=sort_key)
    return got == expected


def run_case(setup, seed, code):
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(setup)
        db.executescript(seed)
        db.set_authorizer(no_attach)
        rows = None
        for statement in statements(code):
            cursor = db.execute(statement)
            if cursor.description is not None:
                rows = [list(row) for row in cursor.fetchall()]
        return rows
    finally:
        db.close()


def run_all(spec, emit):
    if not statements(spec["code"]):
        emit({"fatal": "write a SELECT query that returns the rows asked for"})
        return
    for index, case in enumerate(spec["tests"]):
        start = time.perf_counter()
        try:
            rows = run_case(spec["setup"], case["args"][0], spec["code"])
        except sqlite3.Error as err:
            emit({"index": index, "status": "error", "error": f"SQL error: {err}"})
            continue
        ms = round((time.perf_counter() - start) * 1000, 3)
        if rows is None:
            error = "the last statement returned no rows: end with a SELECT"
            emit({"index": index, "status": "error", "error": error})
            continue
        status = (
            "pass" if same_rows(rows, case["expected"], spec["ordered"]) else "fail"
        )
        got = [[normal(v) for v in row] for row in rows[:SHOWN_ROWS]]
        emit({"index": index, "status": status, "got": got, "ms": ms})


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
