"""The local service in a process of its own (``python -m ipyinterview serve``).

:class:`~ipyinterview.server.LocalService` shares the caller's process; load
tests and benchmarks want the service on another core, as a real one would be.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .._constants import ENV_API_KEY


def free_port(host: str = "127.0.0.1") -> int:
    """Return a port that is free on ``host`` right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class ServiceProcess:
    """``python -m ipyinterview serve`` as a child process, as a context manager.

    Args:
        db: the SQLite file to serve.
        api_key: passed as IPYINTERVIEW_API_KEY; None lets the service use the
            key it keeps beside the database.
        args: more ``serve`` arguments, such as ``["--latency-ms", "50"]``.
        stderr: a file to write the process's standard error to (its log);
            by default it shares the caller's.
    """

    def __init__(
        self,
        db: Path | str,
        *,
        api_key: str | None = None,
        args: list[str] | None = None,
        stderr: Path | str | None = None,
    ) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.command = [
            sys.executable,
            "-m",
            "ipyinterview",
            "serve",
            "--port",
            str(self.port),
            "--db",
            str(db),
            *(args or []),
        ]
        self.env = dict(os.environ)
        if api_key is not None:
            self.env[ENV_API_KEY] = api_key
        self.stderr = Path(stderr) if stderr is not None else None
        self.banner: list[str] = []
        self._process: subprocess.Popen[str] | None = None

    def start(self, *, timeout: float = 30.0) -> ServiceProcess:
        """Start the process; return once it answers, with its banner read.

        Raises:
            RuntimeError: it exited or did not answer within ``timeout``.
        """
        log = self.stderr.open("ab") if self.stderr is not None else None
        try:
            self._process = subprocess.Popen(
                self.command,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
        finally:
            # The child has its own copy of the descriptor.
            if log is not None:
                log.close()
        assert self._process.stdout is not None
        self.banner = [self._process.stdout.readline() for _ in range(3)]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self._process.poll() is None:
            try:
                httpx.get(f"{self.base_url}/healthz")
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"the service did not start: {''.join(self.banner)}")

    @property
    def api_key(self) -> str:
        """Return the API key the banner printed (or the one passed in)."""
        return (
            self.env.get(ENV_API_KEY) or self.banner[1].split("API key: ")[1].split()[0]
        )

    @property
    def pid(self) -> int | None:
        """Return the process id while it runs (None before start, after stop)."""
        return self._process.pid if self._process is not None else None

    def stop(self) -> None:
        """Stop the process and wait for it."""
        if self._process is None:
            return
        self._process.terminate()
        self._process.wait(timeout=10)
        if self._process.stdout is not None:
            self._process.stdout.close()
        self._process = None

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would, and reap it."""
        if self._process is None:
            return
        self._process.kill()
        self.stop()

    def __enter__(self) -> ServiceProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
