"""A throwaway PostgreSQL server for tests, from the machine's own binaries.

Debian's postgresql package provides initdb and pg_ctl; the server runs as the
``postgres`` user (PostgreSQL refuses root) in a temporary folder, on a free
port of 127.0.0.1, and is stopped and removed afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def postgres_bin() -> Path | None:
    """Return the folder of initdb and pg_ctl, or None if PostgreSQL is missing."""
    # Debian's versioned folder first: its tools match its server.
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def temporary_postgres(folder: Path) -> Iterator[str]:
    """Run a PostgreSQL server in ``folder``; yield a SQLAlchemy URL to a database."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError("PostgreSQL is missing: install Debian's postgresql package")
    data = folder / "pgdata"
    data.mkdir(parents=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(data, "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def run(*args: str) -> None:
        done = subprocess.run(_as_postgres(list(args)), capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {done.stderr or done.stdout}")

    run(str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    # -l: the server's output goes to a file, not to the pipe run() waits on.
    log = str(data / "server.log")
    run(
        str(binaries / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        log,
        "-o",
        options,
        "-w",
        "start",
    )
    try:
        run(
            str(binaries / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-U",
            "postgres",
            "interviews",
        )
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/interviews"
    finally:
        run(str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
