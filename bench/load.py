"""Load the local service with 200 concurrent clients: create sessions, read reports.

Usage: python bench/load.py [--seconds S] [--clients C] [--rate R] [--postgres]

The service runs in its own process on 127.0.0.1 (``python -m ipyinterview
serve``), on a new SQLite file in WAL mode, or with ``--postgres`` on a
throwaway PostgreSQL server (tests/postgres.py). Its account has a million
credits and synced users get the unlimited plan, so no create is refused.
Before the clock starts, the script syncs one user per ten clients and takes
one behavioural interview per user to the end through the room's HTTP API
(``simulate.take_interview``), so each user has a finished session whose
report the real grader wrote.

Then C clients (default 200), each with its own connection, repeat for S
seconds (default 20): create a session (``POST /v1/ai-interviewer/sessions``:
credits charged in one write transaction), then read their user's finished
session with its report (``GET /v1/ai-interviewer/sessions/{id}``, about 1 kB
of JSON). The reads are always of finished sessions, never of the new ones.
With ``--rate R`` (default 330, 10% above the 300/s target) the clients
together offer R creates and R reads a second, each client on its own evenly
spaced schedule; a client that falls behind sends at once, so a service that
cannot keep up shows fewer creates/s than offered and growing latencies.
``--rate 0`` sends as fast as the service answers (its capacity; latencies
then measure a queue of C requests, not the service).

Prints creates/s achieved, p50/p99 latency of the report reads (and of the
creates), the errors (any response that is not 2xx, or any exception, each
counted) and the service's CPU time per create and read. Targets: at least 300
creates/s, p99 read at most 50 ms, no errors. The load generator shares the
machine's cores with the service: it is one process of aiohttp sessions, one
per simulated client, on uvloop when installed. aiohttp rather than httpx: an
httpx request costs the generator four to five times the CPU (about 1.2 ms
against 0.25 ms on this machine), so an httpx generator took most of the
second core and its own queue showed up in the latencies it measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from ipyinterview.server.process import ServiceProcess
from ipyinterview.server.simulate import sync_candidate, take_interview

ROOT = Path(__file__).resolve().parents[1]
KEY = "oc_local_load_bench_key"
INTERVIEW = "beh-1"
#: Clients per user: each user has a finished session its clients read.
CLIENTS_PER_USER = 10


@dataclass
class Fixture:
    """Users and a finished session of each, ready before the clock starts."""

    tokens: list[str]
    finished: list[str]


@dataclass
class Result:
    """What a load run measured."""

    seconds: float
    clients: int
    creates: int = 0
    reads: list[float] = field(default_factory=list)
    create_latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)

    def error(self, what: str) -> None:
        """Count an error; keep the first few to print."""
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what)

    @property
    def creates_per_second(self) -> float:
        return self.creates / self.seconds


def percentile(values: list[float], share: float) -> float:
    """Return the value below which ``share`` of ``values`` fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def prepare(base_url: str, *, users: int) -> Fixture:
    """Sync ``users`` users and finish one interview of each through the room."""
    headers = {"X-API-Key": KEY}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:

        def one(number: int) -> tuple[str, str]:
            token = sync_candidate(http, "load", number)
            created = http.post(
                "/v1/ai-interviewer/sessions",
                json={"interviewId": INTERVIEW, "mode": "chat"},
                headers={"X-User-Token": token},
            )
            created.raise_for_status()
            embed = created.json()["embedUrl"]
            take_interview(f"{embed}?userApiToken={token}", ability=0.7, seed=number)
            return token, created.json()["session"]["_id"]

        with ThreadPoolExecutor(8) as pool:
            pairs = list(pool.map(one, range(users)))
    return Fixture([t for t, _ in pairs], [s for _, s in pairs])


async def _client(
    http: aiohttp.ClientSession,
    number: int,
    fixture: Fixture,
    result: Result,
    *,
    first: float,
    deadline: float,
    interval: float,
) -> None:
    slot = number % len(fixture.tokens)
    headers = {"X-API-Key": KEY, "X-User-Token": fixture.tokens[slot]}
    report = f"/v1/ai-interviewer/sessions/{fixture.finished[slot]}"
    body = {"interviewId": INTERVIEW, "mode": "chat"}
    due = first
    while True:
        if interval:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            due += interval
        if time.perf_counter() >= deadline:
            return
        began = time.perf_counter()
        try:
            async with http.post(
                "/v1/ai-interviewer/sessions", json=body, headers=headers
            ) as created:
                text = await created.text()
            took = time.perf_counter() - began
            if created.ok:
                result.creates += 1
                result.create_latencies.append(took)
            else:
                result.error(f"create: {created.status} {text[:200]}")
            began = time.perf_counter()
            async with http.get(report, headers=headers) as read:
                text = await read.text()
            took = time.perf_counter() - began
            if read.ok and "feedback" in json.loads(text)["session"]:
                result.reads.append(took)
            else:
                result.error(f"read: {read.status} {text[:200]}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as err:
            result.error(f"{type(err).__name__}: {err}")


async def run_load(
    base_url: str,
    fixture: Fixture,
    *,
    clients: int,
    seconds: float,
    rate: float,
) -> Result:
    """Run ``clients`` concurrent clients for ``seconds``; return what they saw.

    Args:
        base_url: the service.
        fixture: users and finished sessions from :func:`prepare`.
        clients: concurrent clients, each with its own connection.
        seconds: how long the clients send.
        rate: creates a second offered by all clients together; 0 sends as
            fast as the service answers.
    """
    # One session (so one connection) per simulated client.
    timeout = aiohttp.ClientTimeout(total=30)
    https = [
        aiohttp.ClientSession(
            base_url,
            timeout=timeout,
            connector=aiohttp.TCPConnector(limit=1),
        )
        for _ in range(clients)
    ]
    result = Result(seconds, clients)
    start = time.perf_counter()
    deadline = start + seconds
    interval = clients / rate if rate else 0.0
    try:
        await asyncio.gather(
            *(
                _client(
                    http,
                    number,
                    fixture,
                    result,
                    # The clients' first sends spread over one interval.
                    first=start + interval * number / clients,
                    deadline=deadline,
                    interval=interval,
                )
                for number, http in enumerate(https)
            )
        )
    finally:
        await asyncio.gather(*(http.close() for http in https))
    return result


def service_cpu_seconds(pid: int | None) -> float | None:
    """Return the CPU time a process has used so far (Linux), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def run(coroutine: Coroutine[Any, Any, Result]) -> Result:
    """Run the load on uvloop when it is installed: less of the generator's CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def summarise(result: Result, *, database: str, rate: float, cpu: float | None) -> None:
    """Print the figures, and record them when figures are being recorded."""
    reads_ms = [1000 * t for t in result.reads]
    creates_ms = [1000 * t for t in result.create_latencies]
    p50, p99 = percentile(reads_ms, 0.50), percentile(reads_ms, 0.99)
    offered = f"{rate:.0f} offered" if rate else "flat out"
    lines = [
        f"{database}, {result.clients} clients, {result.seconds:.0f} s, "
        f"creates {offered}",
        f"creates: {result.creates} = {result.creates_per_second:.0f}/s "
        f"(target >= 300), latency p50 {percentile(creates_ms, 0.5):.1f} ms, "
        f"p99 {percentile(creates_ms, 0.99):.1f} ms",
        f"report reads: {len(reads_ms)}, latency p50 {p50:.1f} ms, "
        f"p99 {p99:.1f} ms (target p99 <= 50 ms)",
        f"errors: {result.errors} (target 0)",
        *(f"  {sample}" for sample in result.error_samples),
    ]
    if cpu is not None and result.creates:
        per_pair = 1000 * cpu / result.creates
        lines.append(
            f"service CPU: {cpu / result.seconds:.2f} cores, "
            f"{per_pair:.1f} ms per create + read"
        )
    print("\n".join(lines))

    sys.path.insert(0, str(ROOT / "bench"))
    import figures

    section = f"Load ({database})"
    condition = f"{result.clients} clients, creates {offered}"
    figures.record(
        section,
        f"creates/s ({condition})",
        f"{result.creates_per_second:.0f}",
        target=">= 300",
        met=result.creates_per_second >= 300,
    )
    figures.record(section, "report read latency p50", f"{p50:.1f} ms")
    figures.record(
        section,
        "report read latency p99",
        f"{p99:.1f} ms",
        target="<= 50 ms",
        met=p99 <= 50,
    )
    figures.record(
        section,
        "errors (non-2xx or exception)",
        result.errors,
        target="0",
        met=result.errors == 0,
    )
    if cpu is not None and result.creates:
        figures.record(
            section, "service CPU per create + report read", f"{per_pair:.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="default 20")
    parser.add_argument("--clients", type=int, default=200, help="default 200")
    parser.add_argument(
        "--rate",
        type=float,
        default=330.0,
        help="creates a second offered by all clients together (default 330, 10%% "
        "above the 300/s target); "
        "0 sends as fast as the service answers",
    )
    parser.add_argument(
        "--postgres", action="store_true", help="a throwaway PostgreSQL, not SQLite"
    )
    args = parser.parse_args()
    if args.seconds <= 0 or args.clients <= 0 or args.rate < 0:
        parser.error("--seconds and --clients must be above 0 and --rate 0 or more")

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        service_args = []
        if args.postgres:
            # One copy of the throwaway server, shared with the tests.
            sys.path.insert(0, str(ROOT))
            from tests.postgres import temporary_postgres

            url = stack.enter_context(temporary_postgres(folder))
            # --database-url wins over the --db file ServiceProcess passes.
            service_args = ["--database-url", url]
        service = stack.enter_context(
            ServiceProcess(folder / "load.db", api_key=KEY, args=service_args)
        )
        fixture = prepare(
            service.base_url, users=max(1, args.clients // CLIENTS_PER_USER)
        )
        before = service_cpu_seconds(service.pid)
        result = run(
            run_load(
                service.base_url,
                fixture,
                clients=args.clients,
                seconds=args.seconds,
                rate=args.rate,
            )
        )
        after = service_cpu_seconds(service.pid)
    cpu = after - before if before is not None and after is not None else None
    summarise(
        result,
        database="PostgreSQL" if args.postgres else "SQLite",
        rate=args.rate,
        cpu=cpu,
    )


if __name__ == "__main__":
    main()
