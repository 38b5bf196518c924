"""A room's code runs as a queue: one at a time per room, none for a caller gone."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from ipyinterview import Client
from ipyinterview.server import LocalService

from ..helpers import Room
from .sandboxed import HONEST, run, run_processes


def open_rooms(service: LocalService, count: int, name: str) -> list[Room]:
    """Open ``count`` rooms of the coding interview, one candidate each."""
    with Client(service.api_key, service.base_url) as api:
        rooms = []
        for number in range(count):
            user = api.create_user(
                f"{name} {number}",
                f"{name}{number}@example.com",
                external_id=f"{name}-{number}",
            )
            created = api.create_session(user.token, "dsa-1", mode="chat")
            rooms.append(Room(created.room_url(user.token)))
        return rooms


SLEEPER = "import time\ndef pair_sum(nums, target):\n    time.sleep(SECONDS)\n"


def test_a_burst_of_runs_queues_and_the_rooms_keep_answering(
    hardened: LocalService,
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from ipyinterview.server.runner import CONCURRENT_RUNS

    rooms = open_rooms(hardened, 4 * CONCURRENT_RUNS, "burst")
    slow = SLEEPER.replace("SECONDS", "0.05")

    def submit(room: Room) -> int:
        return room.post("run", {"language": "python", "code": slow}).status_code

    with ThreadPoolExecutor(len(rooms)) as pool:
        runs = pool.map(submit, rooms)
        time.sleep(0.5)
        waits = []
        for _ in range(5):
            started = time.monotonic()
            assert rooms[0].get("state").status_code == 200
            waits.append(time.monotonic() - started)
        statuses = list(runs)

    assert statuses == [200] * len(rooms)
    assert max(waits) < 1.0, waits


def test_one_room_runs_one_at_a_time_and_leaves_the_other_rooms_their_turn(
    hardened: LocalService,
) -> None:
    from ipyinterview.server.runner import CONCURRENT_RUNS

    greedy, other = open_rooms(hardened, 2, "greedy")
    sleeper = SLEEPER.replace("SECONDS", "1.5")

    async def flood_then_run() -> tuple[list[int], float]:
        async with httpx.AsyncClient(headers=greedy.headers, timeout=30) as http:
            body = {"language": "python", "code": sleeper}
            flood = [
                asyncio.ensure_future(http.post(f"{greedy.base}/run", json=body))
                for _ in range(2 * CONCURRENT_RUNS)
            ]
            await asyncio.sleep(0.3)
            started = time.monotonic()
            async with httpx.AsyncClient(headers=other.headers, timeout=30) as mine:
                honest = {"language": "python", "code": HONEST["python"]}
                response = await mine.post(f"{other.base}/run", json=honest)
            assert response.status_code == 200
            waited = time.monotonic() - started
            return [r.status_code for r in await asyncio.gather(*flood)], waited

    statuses, waited = asyncio.run(flood_then_run())

    # The greedy room's runs went one after another; the other room's run
    # did not queue behind them.
    assert statuses == [200] * (2 * CONCURRENT_RUNS)
    assert waited < 1.5, waited


def test_a_run_whose_caller_hangs_up_is_cancelled(hardened: LocalService) -> None:
    (room,) = open_rooms(hardened, 1, "quitter")
    sleeper = SLEEPER.replace("SECONDS", "30")
    body = {"language": "python", "code": sleeper}
    for _ in range(3):
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{room.base}/run", headers=room.headers, json=body, timeout=0.5)
    time.sleep(1.0)

    # Nothing of the abandoned runs is left, and the room's next run is served
    # at once, not after them.
    assert run_processes() == []
    started = time.monotonic()
    result, _ = run(room, "python", HONEST["python"])
    assert time.monotonic() - started < 2.0
    assert result["error"] is None
