"""A small real cohort: simulated candidates take interviews on the local service."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ipyinterview import Client
from ipyinterview.ledger import Ledger
from ipyinterview.models import User
from ipyinterview.server import LocalService
from ipyinterview.server.simulate import take_interview

#: (external id, ability): a weak, a middling and a strong student.
STUDENTS = [("weak", 0.1), ("mid", 0.5), ("strong", 1.0)]


@dataclass
class Taken:
    """The sessions the simulated students took, and how to read them back."""

    client: Client
    ledger: Ledger
    users: dict[str, User]
    session_ids: list[str]
    active_id: str

    @property
    def tokens(self) -> dict[str, str]:
        return {external: user.token for external, user in self.users.items()}


@pytest.fixture(scope="session")
def taken(
    service: LocalService, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Taken]:
    """Three students: dsa-1 twice (maya, then leo) and beh-1 once each."""
    ledger = Ledger(tmp_path_factory.mktemp("ledger") / "ledger.jsonl")
    with Client(service.api_key, service.base_url, ledger=ledger) as client:
        users, ids = {}, []
        for number, (external, ability) in enumerate(STUDENTS):
            user = client.create_user(
                f"Student {external}",
                f"{external}@school.example",
                external_id=external,
            )
            users[external] = user
            for step, (interview, persona) in enumerate(
                [("dsa-1", "maya"), ("beh-1", "alex"), ("dsa-1", "leo")]
            ):
                created = client.create_session(
                    user.token, interview, persona_id=persona, mode="chat"
                )
                seed = 10 * number + step
                take_interview(created.room_url(user.token), ability=ability, seed=seed)
                ids.append(created.session.id)
        active = client.create_session(users["mid"].token, "beh-1", mode="voice")
        yield Taken(client, ledger, users, ids, active.session.id)


@pytest.fixture
def ledger_path(taken: Taken) -> Path:
    return taken.ledger.path
