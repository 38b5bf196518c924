"""Run the local service: in a background thread, or as a command.

``LocalService`` starts uvicorn on 127.0.0.1 (a free port by default) in a
daemon thread and stops it cleanly. ``default_service()`` is the one the
client uses when no API key is configured: started on first use, kept for the
life of the process, with its database and key under the ipyinterview home.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn

from .._paths import home
from .app import create_app
from .db import Store, sqlite_url
from .settings import Settings

logger = logging.getLogger(__name__)

#: Credits of an account the service creates for itself.
DEFAULT_CREDITS = 1_000_000


def new_api_key() -> str:
    """Return a fresh API key."""
    return "oc_local_" + secrets.token_urlsafe(24)


def ensure_account(store: Store, key: str, *, credits: int = DEFAULT_CREDITS) -> None:
    """Create the API account of ``key`` in ``store`` unless it exists."""
    if store.account_for_key(key) is None:
        store.create_account(key=key, credits=credits, name="local")


def bind(host: str, port: int) -> socket.socket:
    """Return a listening socket for the service on ``host:port``.

    Raises:
        OSError: the address is taken or not available; the message says so.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit this: without it, each response written in
    # two parts waits ~40 ms for a delayed ACK (Nagle's algorithm).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise OSError(
            err.errno,
            f"cannot listen on {host}:{port} ({err.strerror}); choose another port",
        ) from err
    sock.listen(2048)
    return sock


class LocalService:
    """The local service running in a background thread.

    Use it as a context manager, or call :meth:`start` and :meth:`stop`::

        with LocalService() as service:
            client = Client(api_key=service.api_key, base_url=service.base_url)

    Args:
        host: address to listen on; keep the loopback default unless the room
            must be reached from another machine.
        port: port to listen on; 0 picks a free one.
        database_url: SQLAlchemy URL; by default an SQLite file in a new
            temporary folder, unless ``db_path`` is given.
        db_path: an SQLite file to use (created if missing).
        api_key: an API key to accept; a new one is created when not given.
        settings: any other :class:`Settings` fields, by name.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        database_url: str | None = None,
        db_path: Path | str | None = None,
        api_key: str | None = None,
        **settings: Any,
    ) -> None:
        if database_url is None:
            if db_path is None:
                import tempfile

                db_path = Path(tempfile.mkdtemp(prefix="ipyinterview-")) / "service.db"
            database_url = sqlite_url(db_path)
        self.settings = Settings(database_url=database_url, **settings)
        self.host = host
        self.port = port
        self.api_key = api_key or new_api_key()
        self.store: Store | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """Return the service's base URL, such as ``http://127.0.0.1:8123``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self, *, timeout: float = 20.0) -> LocalService:
        """Start serving and return once the service accepts requests.

        Raises:
            RuntimeError: the server did not start within ``timeout`` seconds.
        """
        if self._thread is not None:
            return self
        app = create_app(self.settings)
        # The app's own store: the schema is created or migrated once.
        self.store = app.state.store
        ensure_account(self.store, self.api_key)
        sock = bind(self.host, self.port)
        self.port = sock.getsockname()[1]
        # The standard asyncio loop: this shares the caller's process (a
        # kernel, say), where older uvicorns installed uvloop process-wide.
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, lifespan="on", loop="asyncio"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name="ipyinterview-service",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(
                    f"the local service did not start on {self.base_url}"
                )
            time.sleep(0.01)
        logger.info("local service running at %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and wait for the server thread to end."""
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._server = self._thread = None

    def add_account(self, key: str, *, credits: int = DEFAULT_CREDITS) -> None:
        """Create another API account on the running service (unless it exists).

        Raises:
            RuntimeError: the service has not been started.
        """
        if self.store is None:
            raise RuntimeError("start the service before adding accounts to it")
        ensure_account(self.store, key, credits=credits)

    def __enter__(self) -> LocalService:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"LocalService(base_url={self.base_url!r})"


_default: LocalService | None = None
_default_lock = threading.Lock()


def stored_key(path: Path) -> str:
    """Return the API key kept in ``path``, creating it (mode 0600) if missing."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = new_api_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    return key


def default_service() -> LocalService:
    """Return the process's embedded service, starting it on first use.

    Its database and key live in :func:`home`, so users and finished sessions
    survive a kernel restart.
    """
    global _default
    with _default_lock:
        if _default is None:
            folder = home()
            key = stored_key(folder / "local-api-key")
            service = LocalService(db_path=folder / "local.db", api_key=key)
            service.start()
            import atexit

            atexit.register(service.stop)
            _default = service
        return _default
