"""`python -m ipyinterview`: serve and keys create."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ipyinterview.server.process import ServiceProcess


def test_serve_prints_its_url_and_a_working_key(tmp_path: Path) -> None:
    with ServiceProcess(tmp_path / "s.db") as service:
        response = httpx.get(
            f"{service.base_url}/v1/ai-interviewer/catalogue",
            headers={"X-API-Key": service.api_key},
        )

    assert service.base_url in service.banner[0]
    assert response.status_code == 200


def test_serve_takes_the_key_from_the_environment(tmp_path: Path) -> None:
    with ServiceProcess(tmp_path / "s.db", api_key="from-env-key") as service:
        response = httpx.get(
            f"{service.base_url}/v1/ai-interviewer/catalogue",
            headers={"X-API-Key": "from-env-key"},
        )

    assert "from-env-key" not in "".join(service.banner)
    assert "IPYINTERVIEW_API_KEY" in service.banner[1]
    assert response.status_code == 200


def test_serve_keeps_its_key_across_restarts(tmp_path: Path) -> None:
    keys = []
    for _ in range(2):
        with ServiceProcess(tmp_path / "s.db") as service:
            keys.append(service.api_key)

    assert keys[0] == keys[1]
    assert (tmp_path / "s.db.api-key").stat().st_mode & 0o777 == 0o600


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "ipyinterview", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


def test_serve_on_a_taken_port_says_so_before_printing_a_key(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = cli("serve", "--port", str(port), "--db", str(tmp_path / "s.db"))

    assert done.returncode != 0
    assert "choose another port" in done.stderr
    assert "API key" not in done.stdout


def test_keys_create_prints_a_key_with_its_credits(tmp_path: Path) -> None:
    db = tmp_path / "k.db"

    key = cli("keys", "create", "--credits", "3", "--db", str(db)).stdout.strip()

    from ipyinterview.server.db import Store, make_engine, sqlite_url

    store = Store(make_engine(sqlite_url(db)))
    account = store.account_for_key(key)
    store.engine.dispose()
    assert account is not None
    assert account.credits == 3


def test_a_created_key_works_with_serve_on_the_same_db(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    key = cli("keys", "create", "--db", str(db)).stdout.strip()

    with ServiceProcess(db) as service:
        response = httpx.get(
            f"{service.base_url}/v1/ai-interviewer/catalogue",
            headers={"X-API-Key": key},
        )

    assert response.status_code == 200


def test_keys_create_refuses_negative_credits(tmp_path: Path) -> None:
    done = cli("keys", "create", "--credits", "-5", "--db", str(tmp_path / "k.db"))

    assert done.returncode != 0
    assert "--credits must be 0 or more" in done.stderr


def test_keys_create_makes_the_database_folder(tmp_path: Path) -> None:
    db = tmp_path / "new" / "folder" / "k.db"

    done = cli("keys", "create", "--db", str(db))

    assert done.returncode == 0, done.stderr
    assert db.exists()


def test_serve_refuses_a_mistyped_sandbox_setting(tmp_path: Path) -> None:
    env = {**os.environ, "IPYINTERVIEW_SANDBOX": "require"}
    command = [sys.executable, "-m", "ipyinterview", "serve", "--port", "0"]
    command += ["--db", str(tmp_path / "s.db")]

    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    assert done.returncode != 0
    assert "IPYINTERVIEW_SANDBOX is 'require'" in done.stderr
    assert "API key" not in done.stdout


def test_serve_warns_when_code_would_run_unisolated(tmp_path: Path) -> None:
    env = {**os.environ, "IPYINTERVIEW_SANDBOX": "off"}
    with socket.socket() as taken:  # a taken port ends serve right after the check
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "ipyinterview", "serve", "--port", str(port)]
        command += ["--db", str(tmp_path / "s.db")]
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=60
        )

    assert "WARNING: candidates' code will run unisolated" in done.stderr


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.usefixtures("usual_umask")
def test_serve_creates_a_private_database(tmp_path: Path) -> None:
    db = tmp_path / "new" / "s.db"
    with ServiceProcess(db) as service:
        synced = httpx.post(
            f"{service.base_url}/v1/users",
            headers={"X-API-Key": service.api_key},
            json={"name": "Ada", "email": "ada@example.com"},
        )
        wal = [mode(db.with_name(f"s.db-{end}")) for end in ("wal", "shm")]

    assert synced.status_code == 200
    assert mode(db) == 0o600
    assert wal == [0o600, 0o600]
    assert mode(db.parent) == 0o700, "the folder made for it is private too"


@pytest.mark.usefixtures("usual_umask")
def test_keys_create_makes_a_private_home_and_database(tmp_path: Path) -> None:
    home = tmp_path / "home" / ".ipyinterview"
    env = {**os.environ, "IPYINTERVIEW_HOME": str(home)}
    command = [sys.executable, "-m", "ipyinterview", "keys", "create"]

    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)

    assert done.returncode == 0, done.stderr
    assert mode(home) == 0o700
    assert mode(home / "service.db") == 0o600
