"""Time the code runner: 10 visible tests of a Python solution, median of N runs.

Usage: python bench/runner.py [--runs N]

Prints the median and p90 wall time of one run (child start, 10 tests, verdicts)
next to the time of a bare interpreter start measured in the same run, so the
figure can be read as a ratio to the floor this machine allows.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from ipyinterview.server.content import TestCase
from ipyinterview.server.runner import run_tests

SOLUTION = """
def pair_sum(nums, target):
    seen = {}
    for j, value in enumerate(nums):
        if target - value in seen:
            return [seen[target - value], j]
        seen.setdefault(value, j)
    return []
"""
TESTS = [
    (TestCase(args=[list(range(i, i + 50)), 2 * i + 97], expected=[48, 49]), False)
    for i in range(10)
]


def timed(work) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs

    bare = [
        timed(lambda: subprocess.run([sys.executable, "-I", "-c", "pass"], check=True))
        for _ in range(runs)
    ]
    runner = []
    for _ in range(runs):
        result = None

        def work() -> None:
            nonlocal result
            result = run_tests(
                SOLUTION, language="python", entry="pair_sum", tests=TESTS
            )

        runner.append(timed(work))
        if result is None or result.passed != 10:
            raise SystemExit(f"the reference solution failed: {result}")

    median, floor = statistics.median(runner), statistics.median(bare)
    p90 = statistics.quantiles(runner, n=10)[-1]
    print(f"runs: {runs}")
    print(f"10 visible tests, median: {median:.1f} ms (p90 {p90:.1f} ms)")
    print("target: median <= 300 ms")
    print(f"bare interpreter start, median: {floor:.1f} ms")
    print(f"ratio runner / bare start: {median / floor:.2f}x")


if __name__ == "__main__":
    main()
