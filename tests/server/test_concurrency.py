"""Quotas and credits hold under concurrent creates; errors change nothing."""

from __future__ import annotations

import asyncio

import httpx
import sqlalchemy as sa

from ipyinterview.server import LocalService
from ipyinterview.server.db import accounts, hash_key, sessions, users


async def create_many(
    service: LocalService, key: str, token: str, count: int
) -> list[int]:
    headers = {"X-API-Key": key, "X-User-Token": token}
    body = {"interviewId": "beh-1", "mode": "chat"}
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(
        base_url=service.base_url, limits=limits, timeout=60
    ) as http:
        responses = await asyncio.gather(
            *(
                http.post("/v1/ai-interviewer/sessions", json=body, headers=headers)
                for _ in range(count)
            )
        )
    return [r.status_code for r in responses]


def sync_user(service: LocalService, key: str, external_id: str) -> str:
    response = httpx.post(
        f"{service.base_url}/v1/users",
        headers={"X-API-Key": key},
        json={
            "name": "Q",
            "email": f"{external_id}@example.com",
            "externalId": external_id,
        },
    )
    return str(response.json()["user"]["api"]["token"])


def scalar(service: LocalService, query: sa.Select) -> int:  # type: ignore[type-arg]
    """Read one number straight from the service's database."""
    engine = sa.create_engine(service.settings.database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def count_sessions(service: LocalService, token: str) -> int:
    user_id = sa.select(users.c.id).where(users.c.token == token).scalar_subquery()
    query = sa.select(sa.func.count()).where(sessions.c.user_id == user_id)
    return scalar(service, query)


def quota_race(service: LocalService, external_id: str) -> tuple[str, list[int]]:
    """Give a new user the basic plan (3 a day), then create 200 sessions at once."""
    token = sync_user(service, service.api_key, external_id)
    httpx.put(
        f"{service.base_url}/v1/users/plan",
        json={"plan": "basic"},
        headers={"X-API-Key": service.api_key, "X-User-Token": token},
    )
    return token, asyncio.run(create_many(service, service.api_key, token, 200))


def test_200_concurrent_creates_respect_a_quota_of_3(service: LocalService) -> None:
    token, statuses = quota_race(service, "concurrent-quota")

    assert statuses.count(200) == 3
    assert statuses.count(429) == 197
    assert count_sessions(service, token) == 3


def test_credits_never_go_below_zero(service: LocalService) -> None:
    key = "oc_local_five_credits"
    service.add_account(key, credits=5)
    token = sync_user(service, key, "concurrent-credits")

    statuses = asyncio.run(create_many(service, key, token, 60))

    credits = accounts.c.credits
    left = scalar(
        service, sa.select(credits).where(accounts.c.key_hash == hash_key(key))
    )

    assert statuses.count(200) == 5
    assert statuses.count(402) == 55
    assert left == 0


def test_a_refused_create_changes_nothing(service: LocalService) -> None:
    key = "oc_local_one_credit"
    service.add_account(key, credits=1)
    token = sync_user(service, key, "refused")
    headers = {"X-API-Key": key, "X-User-Token": token}

    bad = httpx.post(
        f"{service.base_url}/v1/ai-interviewer/sessions",
        json={"interviewId": "k12-math-1"},
        headers=headers,
    )
    good = httpx.post(
        f"{service.base_url}/v1/ai-interviewer/sessions",
        json={"interviewId": "beh-1"},
        headers=headers,
    )

    assert bad.status_code == 400
    assert good.status_code == 200, "the refused create spent no credit"
