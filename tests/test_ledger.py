"""The session ledger: what the clients record, where, and what they never record."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ipyinterview import AsyncClient, Client
from ipyinterview.ledger import ENV_LEDGER, Ledger, resolve_ledger
from ipyinterview.server import LocalService


def test_a_created_session_is_recorded_without_any_secret(
    service: LocalService, tmp_path: Path
) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    with Client(service.api_key, service.base_url, ledger=ledger) as client:
        user = client.create_user("Ada", "ada@ledger.example", external_id="ledger-ada")
        created = client.create_session(
            user.token, "dsa-1", persona_id="leo", mode="chat"
        )

    [entry] = ledger.entries()
    text = ledger.path.read_text()

    assert entry.session_id == created.session.id
    assert (entry.user_id, entry.user_external_id, entry.user_name) == (
        user.id,
        "ledger-ada",
        "Ada",
    )
    assert (entry.interview_id, entry.persona_id, entry.mode) == (
        "dsa-1",
        "leo",
        "chat",
    )
    assert entry.base_url == service.base_url
    assert user.token not in text
    assert service.api_key not in text


def test_ledger_false_records_nothing(service: LocalService, tmp_path: Path) -> None:
    with Client(service.api_key, service.base_url, ledger=False) as client:
        user = client.create_user("Bo", "bo@ledger.example", external_id="ledger-bo")
        client.create_session(user.token, "beh-1", mode="chat")

    assert client._ledger is None
    assert not list(tmp_path.iterdir())


def test_the_environment_moves_or_disables_the_ledger(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_LEDGER, str(tmp_path / "elsewhere.jsonl"))
    moved = resolve_ledger(None)
    monkeypatch.setenv(ENV_LEDGER, "off")

    assert moved is not None
    assert moved.path == tmp_path / "elsewhere.jsonl"
    assert resolve_ledger(None) is None
    assert resolve_ledger(tmp_path / "explicit.jsonl") is not None


@pytest.mark.anyio
async def test_the_async_client_records_too(
    service: LocalService, tmp_path: Path
) -> None:
    ledger = Ledger(tmp_path / "ledger.jsonl")
    async with AsyncClient(service.api_key, service.base_url, ledger=ledger) as client:
        user = await client.create_user(
            "Cy", "cy@ledger.example", external_id="ledger-cy"
        )
        created = await client.create_session(user.token, "beh-1", mode="chat")

    assert [e.session_id for e in ledger.entries()] == [created.session.id]
    assert ledger.entries()[0].user_external_id == "ledger-cy"


def test_a_torn_line_is_skipped_and_filters_apply(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    path.write_text(
        '{"session_id":"a","interview_id":"dsa-1","base_url":"http://x"}\n'
        '{"session_id":"b","interview_id":"beh-1","base_url":"http://y"}\n'
        '{"session_id":"a","interview_id":"dsa-1","base_url":"http://x"}\n'
        '{"session_id":"c","interv'
    )

    ledger = Ledger(path)

    assert [e.session_id for e in ledger.entries()] == ["a", "b"]
    assert [e.session_id for e in ledger.entries(interview_id="beh-1")] == ["b"]
    assert [e.session_id for e in ledger.entries(base_url="http://x/")] == ["a"]


def test_the_ledger_does_not_import_the_server() -> None:
    code = (
        "import sys, ipyinterview.ledger; "
        "print([m for m in sys.modules if m.startswith('ipyinterview.server')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert out.stdout.strip() == "[]"
