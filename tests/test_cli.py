"""`python -m ipyinterview`: serve and keys create."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_prints_its_url_and_a_working_key(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ipyinterview",
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "s.db"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]  # type: ignore[union-attr]
        key = lines[1].split("API key: ")[1].split()[0]
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                response = httpx.get(
                    f"{base}/v1/ai-interviewer/catalogue", headers={"X-API-Key": key}
                )
                break
            except httpx.TransportError:
                import time

                time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]

    assert base in lines[0]
    assert response.status_code == 200


def test_serve_takes_the_key_from_the_environment(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "IPYINTERVIEW_API_KEY": "from-env-key"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ipyinterview",
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "s.db"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = [process.stdout.readline() for _ in range(2)]  # type: ignore[union-attr]
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]

    assert "from-env-key" not in "".join(lines)
    assert "IPYINTERVIEW_API_KEY" in lines[1]


def test_keys_create_prints_a_key_with_its_credits(tmp_path: Path) -> None:
    db = tmp_path / "k.db"

    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipyinterview",
            "keys",
            "create",
            "--credits",
            "3",
            "--db",
            str(db),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    from ipyinterview.server.db import Store, make_engine, sqlite_url

    store = Store(make_engine(sqlite_url(db)))
    account = store.account_for_key(out)
    store.engine.dispose()
    assert account is not None
    assert account.credits == 3


def test_serve_keeps_its_key_across_restarts(tmp_path: Path) -> None:
    keys = []
    for _ in range(2):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ipyinterview",
                "serve",
                "--port",
                str(free_port()),
                "--db",
                str(tmp_path / "s.db"),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            process.stdout.readline()  # type: ignore[union-attr]
            keys.append(process.stdout.readline().split("API key: ")[1].split()[0])  # type: ignore[union-attr]
        finally:
            process.terminate()
            process.wait(timeout=10)
            process.stdout.close()  # type: ignore[union-attr]

    assert keys[0] == keys[1]
    assert (tmp_path / "s.db.api-key").stat().st_mode & 0o777 == 0o600


def test_serve_on_a_taken_port_says_so_before_printing_a_key(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ipyinterview",
                "serve",
                "--port",
                str(port),
                "--db",
                str(tmp_path / "s.db"),
            ],
            capture_output=True,
            text=True,
            timeout=30,
        )

    assert done.returncode != 0
    assert "choose another port" in done.stderr
    assert "API key" not in done.stdout


def test_keys_create_refuses_negative_credits(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ipyinterview",
            "keys",
            "create",
            "--credits",
            "-5",
            "--db",
            str(tmp_path / "k.db"),
        ],
        capture_output=True,
        text=True,
    )

    assert done.returncode != 0
    assert "--credits must be 0 or more" in done.stderr
