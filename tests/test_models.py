"""The wire models read the seed's documents and write back the same keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ipyinterview.models import (
    Catalogue,
    CreatedSession,
    CreateSessionRequest,
    SessionEnvelope,
    User,
)

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("seed_catalogue.json", Catalogue),
        ("seed_created_session.json", CreatedSession),
        ("seed_session.json", SessionEnvelope),
        ("seed_create_session_body.json", CreateSessionRequest),
    ],
)
def test_seed_documents_round_trip_unchanged(name: str, model: type) -> None:
    document = json.loads((DATA / name).read_text())

    parsed = model.model_validate(document)

    assert parsed.to_wire() == document


def test_wire_names_are_the_services() -> None:
    document = json.loads((DATA / "seed_created_session.json").read_text())

    created = CreatedSession.model_validate(document)

    assert created.session.id == "44s2rmqbh"
    assert created.session.interview_id == "dsa-1"
    assert created.embed_url.endswith("/44s2rmqbh")


def test_unknown_keys_are_kept() -> None:
    document = {"_id": "x", "status": "active", "futureField": {"a": 1}}

    assert (
        SessionEnvelope.model_validate({"session": document}).session.to_wire()
        == document
    )


def test_room_url_carries_the_token_and_events_flag() -> None:
    created = CreatedSession.model_validate(
        json.loads((DATA / "seed_created_session.json").read_text())
    )

    url = created.room_url("tok en")

    assert url == (
        "https://onecompiler.com/embed/ai-interviewer/44s2rmqbh"
        "?userApiToken=tok+en&interviewEvents=true"
    )


def test_user_repr_hides_the_token() -> None:
    user = User.model_validate(
        {"_id": "u1", "name": "Ada", "api": {"token": "secret-tok"}}
    )

    assert user.token == "secret-tok"
    assert "secret-tok" not in repr(user)
    assert "secret-tok" not in str(user)
