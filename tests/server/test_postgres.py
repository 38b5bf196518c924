"""The local service on PostgreSQL: one contract, several processes, one database."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from ipyinterview import Client
from ipyinterview.server import LocalService
from ipyinterview.server.db import PING_AFTER_IDLE_SECONDS, sessions

from ..helpers import Room, read_interview
from ..postgres import temporary_postgres
from .test_concurrency import quota_race


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with (
        tempfile.TemporaryDirectory(prefix="ipyinterview-pg-") as folder,
        temporary_postgres(Path(folder)) as url,
    ):
        yield url


@pytest.fixture(scope="module")
def pg_service(postgres_url: str) -> Iterator[LocalService]:
    with LocalService(database_url=postgres_url) as service:
        yield service


@pytest.fixture(scope="module")
def second_service(
    pg_service: LocalService, postgres_url: str
) -> Iterator[LocalService]:
    """Another service process on the same database, with the same API key."""
    with LocalService(database_url=postgres_url, api_key=pg_service.api_key) as second:
        yield second


def test_an_interview_runs_end_to_end_on_postgresql(pg_service: LocalService) -> None:
    with Client(pg_service.api_key, pg_service.base_url) as client:
        user = client.create_user("Pat", "pat@example.com", external_id="pat")
        created = client.create_session(user.token, "dsa-1", mode="chat")
        room = Room(created.room_url(user.token))
        room.get("state")
        code = read_interview("dsa-1")["problem"]["solutions"]["python"]
        room.post("run", {"language": "python", "code": code})
        room.post("answer", {"text": "Linear time with a hash map, O(n) space."})
        finished = room.post("finish").json()["session"]
        report = client.get_session(user.token, created.session.id)

    assert report.completed
    assert report.score == finished["score"]
    assert report.feedback.questions


def test_quota_holds_under_200_concurrent_creates(pg_service: LocalService) -> None:
    _token, statuses = quota_race(pg_service, "pg-quota")

    assert statuses.count(200) == 3
    assert statuses.count(429) == 197


def test_two_service_processes_share_one_database(
    pg_service: LocalService, second_service: LocalService
) -> None:
    second = second_service
    with Client(pg_service.api_key, pg_service.base_url) as first_client:
        user = first_client.create_user("Sam", "sam@example.com", external_id="sam")
        created = first_client.create_session(user.token, "beh-1")
        with Client(second.api_key, second.base_url) as second_client:
            again = second_client.create_user(
                "Sam", "sam@example.com", external_id="sam"
            )
            read = second_client.get_session(again.token, created.session.id)

    assert again.id == user.id
    assert read.id == created.session.id


def test_two_service_processes_lose_no_write_to_one_session(
    pg_service: LocalService, second_service: LocalService, postgres_url: str
) -> None:
    # A room's writes read the session's state, change it and write it back; two
    # processes doing that to one session at once must not overwrite each other.
    second = second_service
    with Client(pg_service.api_key, pg_service.base_url) as client:
        user = client.create_user("Kim", "kim@example.com", external_id="kim")
        created = client.create_session(user.token, "beh-1", mode="chat")
        room = Room(created.room_url(user.token))
        bases = [room.base, room.base.replace(pg_service.base_url, second.base_url)]

        async def signal_from_both(count: int) -> list[int]:
            async with httpx.AsyncClient(headers=room.headers, timeout=60) as http:
                sent = [
                    http.post(f"{bases[n % 2]}/integrity", json={"kind": "tab"})
                    for n in range(count)
                ]
                return [
                    response.status_code for response in await asyncio.gather(*sent)
                ]

        statuses = asyncio.run(signal_from_both(60))

    assert statuses == [200] * 60
    engine = sa.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                sa.select(sessions.c.state).where(sessions.c.id == created.session.id)
            ).scalar_one()
    finally:
        engine.dispose()
    assert stored["integrity"]["tabSwitches"] == 60


def test_connections_the_server_dropped_are_replaced_unseen(
    pg_service: LocalService, postgres_url: str
) -> None:
    # As after a server restart or a firewall's idle timeout: every pooled
    # connection of the service is dead when its next request checks one out.
    # No retries: the client's retry of a 500 would hide the failure.
    with Client(pg_service.api_key, pg_service.base_url, max_retries=0) as client:
        user = client.create_user("Ode", "ode@example.com", external_id="ode")
        for _ in range(3):
            client.create_session(user.token, "beh-1", mode="chat")
        engine = sa.create_engine(postgres_url)
        try:
            with engine.connect() as conn:
                dropped = conn.execute(
                    sa.text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = 'interviews' AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
        finally:
            engine.dispose()
        assert dropped >= 1
        time.sleep(PING_AFTER_IDLE_SECONDS + 0.2)

        created = client.create_session(user.token, "beh-1", mode="chat")
        read = client.get_session(user.token, created.session.id)
        assert read.id == created.session.id
