"""A service killed mid-load (SIGKILL) loses no write it acknowledged.

The service runs in its own process. Threads create sessions and answer in
their rooms while it runs; every 2xx is recorded. The process is killed with
SIGKILL in the middle of that, started again on the same database, and every
acknowledged session and transcript turn must be there (and, on SQLite, the
file must pass ``PRAGMA integrity_check``).
"""

from __future__ import annotations

import functools
import json
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import httpx
import pytest
import sqlalchemy as sa

from ipyinterview.server.db import accounts, hash_key, sessions, sqlite_url
from ipyinterview.server.process import ServiceProcess
from ipyinterview.server.service import DEFAULT_CREDITS
from ipyinterview.server.simulate import sync_candidate

from ..postgres import postgres_bin, temporary_postgres

KEY = "oc_local_crash_test_key"
WRITERS = 8
#: Load before the kill: long enough for hundreds of acknowledged writes.
LOAD_SECONDS = 2.0
ANSWERS_PER_SESSION = 4
_CONFIG = re.compile(r'id="room-config" type="application/json">(.*?)</script>')


@dataclass
class Acknowledged:
    """Every write the service answered with a 2xx, per writer thread."""

    sessions: dict[str, str] = field(default_factory=dict)  # session id: token
    answers: dict[str, list[str]] = field(default_factory=dict)  # id: texts
    failures: list[str] = field(default_factory=list)


def _interview(http: httpx.Client, token: str, number: int, done: Acknowledged) -> None:
    """Create a session, open its room and answer; record each acknowledgement."""
    created = http.post(
        "/v1/ai-interviewer/sessions",
        json={"interviewId": "beh-1", "mode": "chat"},
        headers={"X-User-Token": token},
    )
    created.raise_for_status()
    session_id = created.json()["session"]["_id"]
    done.sessions[session_id] = token
    room = created.json()["embedUrl"]
    page = http.get(room, params={"userApiToken": token})
    page.raise_for_status()
    found = _CONFIG.search(page.text)
    assert found, "the room page carries its configuration"
    headers = {"X-Room-Token": json.loads(found.group(1))["roomToken"]}
    http.get(f"{room}/state", headers=headers).raise_for_status()
    for turn in range(ANSWERS_PER_SESSION):
        text = f"answer {turn} from writer {number} in {session_id}"
        http.post(
            f"{room}/answer", json={"text": text}, headers=headers
        ).raise_for_status()
        done.answers.setdefault(session_id, []).append(text)


def _writer(base_url: str, number: int, stop: threading.Event) -> Acknowledged:
    done = Acknowledged()
    with httpx.Client(
        base_url=base_url, headers={"X-API-Key": KEY}, timeout=10
    ) as http:
        try:
            token = sync_candidate(http, "crash", number)
            while not stop.is_set():
                _interview(http, token, number, done)
        except httpx.TransportError:
            pass  # the service was killed: what is in flight is not acknowledged
        except httpx.HTTPStatusError as err:
            done.failures.append(f"{err.response.status_code} {err.response.text}")
    return done


def load_then_kill(service: ServiceProcess) -> tuple[Acknowledged, float]:
    """Run the writers, kill the service mid-load; return what was acknowledged."""
    stop = threading.Event()
    results: list[Acknowledged] = []

    def run(number: int) -> None:
        results.append(_writer(service.base_url, number, stop))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS)
    killed_at = time.monotonic()
    service.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    merged = Acknowledged()
    for result in results:
        merged.sessions.update(result.sessions)
        merged.answers.update(result.answers)
        merged.failures += result.failures
    return merged, killed_at


def missing_after_restart(service: ServiceProcess, done: Acknowledged) -> list[str]:
    """Return each acknowledged session or answer the restarted service lacks."""
    missing = []
    with httpx.Client(
        base_url=service.base_url, headers={"X-API-Key": KEY}, timeout=10
    ) as http:
        for session_id, token in done.sessions.items():
            read = http.get(
                f"/v1/ai-interviewer/sessions/{session_id}",
                headers={"X-User-Token": token},
            )
            if read.status_code != 200:
                missing.append(f"session {session_id}: {read.status_code}")
                continue
            answers = done.answers.get(session_id, [])
            if answers:
                missing += _missing_answers(http, session_id, token, answers)
    return missing


def _missing_answers(
    http: httpx.Client, session_id: str, token: str, answers: list[str]
) -> list[str]:
    room = f"/embed/ai-interviewer/{session_id}"
    page = http.get(room, params={"userApiToken": token})
    found = _CONFIG.search(page.text)
    assert found, f"the room of {session_id} opens after the restart"
    headers = {"X-Room-Token": json.loads(found.group(1))["roomToken"]}
    turns = http.get(f"{room}/state", headers=headers).json()["turns"]
    said = {t["text"] for t in turns if t["role"] == "candidate"}
    return [f"turn {text!r}" for text in answers if text not in said]


def charges_match_sessions(database_url: str) -> tuple[int, int]:
    """Return (credits spent by the account, sessions it has) from the database."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            credits = conn.execute(
                sa.select(accounts.c.credits).where(
                    accounts.c.key_hash == hash_key(KEY)
                )
            ).scalar_one()
            count = conn.execute(
                sa.select(sa.func.count()).select_from(sessions)
            ).scalar_one()
    finally:
        engine.dispose()
    return DEFAULT_CREDITS - credits, count


def crash_and_check(
    database_url: str, db_file: Path, figures: ModuleType, name: str
) -> None:
    """Load, kill, restart on the same database; assert nothing acknowledged is lost.

    Also: each session in the database was charged exactly one credit (a
    create is one transaction, so a kill cannot split the charge from it).
    """
    database = (
        [] if database_url.startswith("sqlite") else ["--database-url", database_url]
    )
    first = ServiceProcess(db_file, api_key=KEY, args=database).start()
    try:
        done, killed_at = load_then_kill(first)
    finally:
        first.stop()
    with ServiceProcess(db_file, api_key=KEY, args=database) as again:
        restarted = time.monotonic() - killed_at
        missing = missing_after_restart(again, done)

    spent, stored = charges_match_sessions(database_url)
    turns = sum(len(texts) for texts in done.answers.values())
    record = functools.partial(figures.record, "Crash recovery")
    record(f"{name}: acknowledged sessions checked", len(done.sessions))
    record(f"{name}: acknowledged answers checked", turns)
    record(
        f"{name}: acknowledged writes lost", len(missing), target="0", met=not missing
    )
    record(
        f"{name}: credits spent / sessions stored",
        f"{spent} / {stored}",
        target="equal",
        met=spent == stored,
    )
    record(f"{name}: kill to answering again", f"{restarted:.1f} s")
    assert not done.failures, f"the service refused writes: {done.failures[:3]}"
    assert len(done.sessions) >= WRITERS, "the load ran before the kill"
    assert turns >= WRITERS, "answers were acknowledged before the kill"
    assert not missing, f"acknowledged but lost after kill -9: {missing[:5]}"
    assert spent == stored, "every stored session was charged, and only those"


def test_kill_9_on_sqlite_loses_no_acknowledged_write(
    tmp_path: Path, figures: ModuleType
) -> None:
    db_file = tmp_path / "crash.db"

    crash_and_check(sqlite_url(db_file), db_file, figures, "SQLite")

    with sqlite3.connect(db_file) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchall()
    figures.record(
        "Crash recovery",
        "SQLite: PRAGMA integrity_check after restart",
        integrity[0][0],
        target="ok",
        met=integrity == [("ok",)],
    )
    assert integrity == [("ok",)]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    if postgres_bin() is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) are missing: install Debian's "
            "postgresql package to run the crash test on PostgreSQL"
        )
    with (
        tempfile.TemporaryDirectory(prefix="ipyinterview-pg-") as folder,
        temporary_postgres(Path(folder)) as url,
    ):
        yield url


def test_kill_9_on_postgresql_loses_no_acknowledged_write(
    tmp_path: Path, postgres_url: str, figures: ModuleType
) -> None:
    # --database-url wins over the --db file ServiceProcess always passes.
    crash_and_check(postgres_url, tmp_path / "unused.db", figures, "PostgreSQL")
