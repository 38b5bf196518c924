"""Read many reports concurrently from the local service with injected latency.

Usage: python bench/fetch.py [--reports N] [--latency-ms MS] [--concurrency C]

Runs the local service in its own process (as a real service would be), creates
N sessions for one user, restarts the service with a fixed delay added to every
API response, then reads the sessions back three ways in the same run:
``Client.fetch_reports`` (threads), ``AsyncClient.fetch_reports`` (asyncio) and
a plain sequential loop. Prints each wall time, the ideal
(N x latency / concurrency) and the ratios. Targets: within 1.3x of ideal, and
at least 20x faster than sequential.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ipyinterview import AsyncClient, Client
from ipyinterview.server.process import ServiceProcess

KEY = "oc_local_bench_key"


def serve(db: Path, latency_ms: int) -> ServiceProcess:
    """The service in its own process, as a real service would be."""
    return ServiceProcess(db, api_key=KEY, args=["--latency-ms", str(latency_ms)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=1000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--sequential",
        type=int,
        default=100,
        help="reads timed in the sequential loop (scaled to N)",
    )
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp(prefix="ipyinterview-bench-")) / "bench.db"

    with serve(db, 0) as service, Client(KEY, service.base_url) as setup:
        user = setup.create_user("Bench", "bench@example.com", external_id="bench")
        with ThreadPoolExecutor(8) as pool:
            ids = list(
                pool.map(
                    lambda _: setup.create_session(user.token, "beh-1").session.id,
                    range(args.reports),
                )
            )

    with (
        serve(db, args.latency_ms) as slow,
        Client(KEY, slow.base_url, max_retries=0) as client,
    ):
        base = slow.base_url
        client.get_session(user.token, ids[0])  # a warm connection, as in real use
        start = time.perf_counter()
        results = client.fetch_reports(
            ids, user_token=user.token, concurrency=args.concurrency, progress=False
        )
        threads = time.perf_counter() - start

        async def read_async() -> float:
            async with AsyncClient(KEY, base, max_retries=0) as aclient:
                begin = time.perf_counter()
                done = await aclient.fetch_reports(
                    ids,
                    user_token=user.token,
                    concurrency=args.concurrency,
                    progress=False,
                )
                if not all(r.ok for r in done):
                    raise SystemExit("some async reads failed")
                return time.perf_counter() - begin

        async_wall = asyncio.run(read_async())

        sample = ids[: args.sequential]
        start = time.perf_counter()
        for session_id in sample:
            client.get_session(user.token, session_id)
        sequential = (time.perf_counter() - start) * len(ids) / len(sample)

    failures = [r for r in results if not r.ok]
    ideal = args.reports * args.latency_ms / 1000 / args.concurrency
    print(
        f"reports: {args.reports}, latency: {args.latency_ms} ms, "
        f"concurrency: {args.concurrency}, failures: {len(failures)}"
    )
    print(f"ideal (N x latency / concurrency): {ideal:.2f} s")
    print(f"sequential loop (timed on {len(sample)}, scaled): {sequential:.2f} s")
    for name, wall in (
        ("Client.fetch_reports", threads),
        ("AsyncClient.fetch_reports", async_wall),
    ):
        print(
            f"{name}: {wall:.2f} s = {wall / ideal:.2f}x ideal (target <= 1.3x), "
            f"{sequential / wall:.1f}x faster than sequential (target >= 20x)"
        )


if __name__ == "__main__":
    main()
