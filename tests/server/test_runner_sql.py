"""The SQL language of the runner: a fresh seeded in-memory database per test."""

from __future__ import annotations

from ipyinterview.server.content import TestCase
from ipyinterview.server.runner import LANGUAGES, RunResult, run_tests

SETUP = "CREATE TABLE pets (name TEXT, legs INTEGER);"
SEED = "INSERT INTO pets VALUES ('cat', 4), ('bird', 2), ('snake; long', 0);"


def _case(seed: str, rows: list[list[object]]) -> tuple[TestCase, bool]:
    return TestCase(args=[seed], expected=rows), False


def _sql(code: str, tests: list[tuple[TestCase, bool]], **options: bool) -> RunResult:
    return run_tests(
        code, language="sql", entry="query", tests=tests, setup=SETUP, **options
    )


def _statuses(code: str, *, ordered: bool = False) -> list[str]:
    tests = [
        _case(SEED, [["snake; long", 0], ["bird", 2], ["cat", 4]]),
        _case("", []),
    ]
    run = _sql(code, tests, ordered=ordered)
    return [r.status for r in run.results]


def test_sql_is_a_runner_language() -> None:
    assert LANGUAGES == ("python", "javascript", "sql")


def test_rows_compare_in_any_order_unless_the_problem_orders_them() -> None:
    query = "SELECT name, legs FROM pets ORDER BY name;"
    assert _statuses(query) == ["pass", "pass"]
    assert _statuses(query, ordered=True) == ["fail", "pass"]
    assert _statuses("SELECT name, legs FROM pets ORDER BY legs", ordered=True) == [
        "pass",
        "pass",
    ]


def test_each_test_starts_from_a_fresh_database() -> None:
    # The first test's delete must not leak into the second test's seed.
    code = "DELETE FROM pets WHERE legs = 0; SELECT name, legs FROM pets;"
    tests = [
        _case(SEED, [["cat", 4], ["bird", 2]]),
        _case(SEED, [["cat", 4], ["bird", 2]]),
    ]
    run = _sql(code, tests)
    assert [r.status for r in run.results] == ["pass", "pass"]


def test_sql_errors_and_missing_select_are_reported_per_test() -> None:
    run = _sql("SELECT nope FROM pets;", [_case(SEED, [])])
    assert run.results[0].status == "error"
    assert "no such column: nope" in (run.results[0].error or "")

    run = _sql("DELETE FROM pets;", [_case(SEED, [])])
    assert "end with a SELECT" in (run.results[0].error or "")


def test_the_query_cannot_attach_a_file() -> None:
    run = _sql("ATTACH DATABASE 'stolen.db' AS other; SELECT 1;", [_case(SEED, [[1]])])
    assert run.results[0].status == "error"
    assert "not authorized" in (run.results[0].error or "")


def test_python_runs_keep_working_without_sql_arguments() -> None:
    run = run_tests(
        "def double(x):\n    return 2 * x\n",
        language="python",
        entry="double",
        tests=[(TestCase(args=[4], expected=8), False)],
    )
    assert run.passed == 1


def test_native_pointer_and_extension_functions_are_denied() -> None:
    for query in ("SELECT fts3_tokenizer('simple')", "SELECT load_extension('x')"):
        run = _sql(query, [_case(SEED, [["x"]])])

        assert run.results[0].status == "error"
        assert "not authorized" in run.results[0].error


def test_the_expected_rows_never_reach_the_query() -> None:
    # The spec holds seeds only; the service compares the rows.
    run = _sql("SELECT name FROM pets", [_case(SEED, [["cat"], ["bird"]])])

    assert run.results[0].status == "fail"
    assert run.results[0].got == [["cat"], ["bird"], ["snake; long"]]


def test_too_many_rows_is_an_error_that_says_so() -> None:
    query = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 20000)"
        " SELECT i FROM n"
    )

    run = _sql(query, [_case(SEED, [])])

    assert run.results[0].status == "error"
    assert "more than 10000 rows" in run.results[0].error
