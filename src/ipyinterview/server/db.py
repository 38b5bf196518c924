"""Storage of the local service: accounts, users, sessions and their turns.

SQLAlchemy Core over SQLite by default (WAL mode, busy timeout), so every
write of a session is durable as soon as it is acknowledged.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

T = TypeVar("T")

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, default=""),
    sa.Column("credits", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200)),
    sa.Column("email", sa.String(320)),
    sa.Column("external_id", sa.String(200)),
    sa.Column("picture", sa.Text),
    sa.Column("thumbnail", sa.Text),
    sa.Column("plan", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("account_id", "external_id"),
    sa.UniqueConstraint("account_id", "email"),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("user_id", sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("interview_id", sa.String(100), nullable=False),
    sa.Column("persona_id", sa.String(32), nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("grade", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("score", sa.Integer),
    sa.Column("state", sa.JSON, nullable=False),
    sa.Column("report", sa.JSON),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("completed_at", sa.DateTime(timezone=True)),
    sa.Column("idempotency_key", sa.String(200)),
    sa.UniqueConstraint("account_id", "idempotency_key"),
)

turns = sa.Table(
    "turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.ForeignKey("sessions.id"), nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False, default=""),
    sa.Column("data", sa.JSON),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


# The hottest read (a report), built once: see sessions.py on why.
_SESSION_BY_ID = sa.select(sessions).where(sessions.c.id == sa.bindparam("id"))


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(timezone.utc)


def new_id(nbytes: int = 6) -> str:
    """Return a short random id, URL-safe and lowercase."""
    return secrets.token_hex(nbytes)


def hash_key(key: str) -> str:
    """Return the stored form of an API key (keys are never stored plain)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def sqlite_url(path: Path | str) -> str:
    """Return the database URL of an SQLite file."""
    return f"sqlite:///{Path(path).expanduser().resolve()}"


#: The schema this code writes; older databases are migrated on start.
SCHEMA_VERSION = 1

#: Steps from version N-1 to N, each run once, in order, in one transaction.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {}

# Held while the schema is created or migrated, so that several service
# processes starting together on one PostgreSQL do it once.
_SCHEMA_LOCK = 0x1A1_0001


def migrate(engine: Engine) -> int:
    """Create the schema or bring it up to :data:`SCHEMA_VERSION`; return it.

    Raises:
        RuntimeError: the database was written by a newer ipyinterview.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
        fresh = not sa.inspect(conn).has_table("sessions")
        metadata.create_all(conn)
        stored = conn.execute(
            sa.select(meta.c.value).where(meta.c.key == "schema_version")
        ).scalar()
        version = SCHEMA_VERSION if fresh else int(stored or 1)
        if version > SCHEMA_VERSION:
            raise RuntimeError(
                f"the database has schema version {version}, newer than this "
                f"ipyinterview ({SCHEMA_VERSION}); upgrade ipyinterview"
            )
        for step in range(version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[step](conn)
        conn.execute(meta.delete().where(meta.c.key == "schema_version"))
        conn.execute(
            meta.insert().values(key="schema_version", value=str(SCHEMA_VERSION))
        )
    return SCHEMA_VERSION


def create_private_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only (0600), unless it exists.

    The database holds user tokens. SQLite creates a missing database file
    with the process's umask (0644 as a rule) and gives the -wal and -shm files
    it makes beside it the database file's permissions, so creating the file
    first keeps all three private, without changing the process's umask (a
    notebook kernel's, when the service is embedded). An empty file is an
    empty SQLite database.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


#: A pooled server connection idle longer than this is pinged before use.
PING_AFTER_IDLE_SECONDS = 1.0


def _ping_idle_connections(engine: Engine) -> None:
    """Ping a pooled connection before use when it has sat idle in the pool.

    A database server restart, or a firewall dropping idle connections, leaves
    dead connections in the pool; the ping finds them and the pool connects
    afresh, so no request fails on them. SQLAlchemy's ``pool_pre_ping`` pings
    at every checkout, one more round trip per request, which cost a sixth of
    the creates a second in bench/load.py --postgres; a connection back in
    the pool for less than :data:`PING_AFTER_IDLE_SECONDS` was alive a moment
    ago and goes unpinged. (One the server dropped within that moment fails
    its request, as the requests it was serving then do.)
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None:
            return  # A new connection.
        if time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return  # In use a moment ago.
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # A dead one: the pool discards it and every connection as old
            # (a restarted server dropped them all), then connects afresh.
            raise sa.exc.InvalidatePoolError(str(error)) from error


def make_engine(url: str) -> Engine:
    """Create the engine and migrate the schema; SQLite gets WAL and a busy timeout."""
    if not url.startswith("sqlite"):
        engine = sa.create_engine(url, pool_size=10, max_overflow=20)
        _ping_idle_connections(engine)
        migrate(engine)
        return engine

    database = sa.engine.make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        create_private_file(Path(database))
    engine = sa.create_engine(
        url, connect_args={"timeout": 30, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit BEGIN is off: the "begin" hook below emits it.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A write transaction takes the write lock up front, so a check-then-write
        # (quota, credits) is atomic and never fails half-way with "locked".
        write = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    migrate(engine)
    return engine


class Store:
    """The service's database: one method per thing the API does with it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One write transaction at a time per process; the others queue here.
        # SQLite has one writer anyway, and its busy handler polls with sleeps
        # of up to 100 ms (the lock sits idle while waiters sleep) while each
        # waiter holds a pooled connection. On PostgreSQL, creates for one
        # account queue on its row lock, each holding a connection, and the
        # holder fights them for the GIL at every round trip. Other processes
        # on the same database still wait in the database's own locks.
        self._writer = threading.Lock()
        self._write_limiter: anyio.CapacityLimiter | None = None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection inside one write transaction, committed on success."""
        with self._writer, self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    async def write(self, work: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """Run ``work(*args, **kwargs)``, which writes, in a thread, one at a time.

        For endpoints that would otherwise write from FastAPI's thread pool:
        their requests wait their turn here as coroutines, not as threads
        blocked on the writer lock. Forty such threads fight the one writing
        for the GIL at every switch, which cost a third more CPU per created
        session in bench/load.py.
        """
        if self._write_limiter is None:
            self._write_limiter = anyio.CapacityLimiter(1)
        call = functools.partial(work, *args, **kwargs)
        return await anyio.to_thread.run_sync(call, limiter=self._write_limiter)

    def secret(self) -> bytes:
        """Return the service's signing secret, created on first use."""
        with self.transaction() as conn:
            row = conn.execute(
                sa.select(meta.c.value).where(meta.c.key == "secret")
            ).first()
            if row is not None:
                return bytes.fromhex(row.value)
            value = secrets.token_hex(32)
            conn.execute(meta.insert().values(key="secret", value=value))
            return bytes.fromhex(value)

    def create_account(self, *, key: str, credits: int, name: str = "") -> str:
        """Store a new API account for ``key`` (hashed) and return its id."""
        account_id = new_id()
        with self.transaction() as conn:
            conn.execute(
                accounts.insert().values(
                    id=account_id,
                    key_hash=hash_key(key),
                    name=name,
                    credits=credits,
                    created_at=utcnow(),
                )
            )
        return account_id

    def account_for_key(self, key: str) -> sa.Row[Any] | None:
        """Return the account of an API key, or None."""
        with self.engine.connect() as conn:
            query = sa.select(accounts).where(accounts.c.key_hash == hash_key(key))
            return conn.execute(query).first()

    def user_for_token(self, token: str) -> sa.Row[Any] | None:
        """Return the user of a user token, or None."""
        with self.engine.connect() as conn:
            return conn.execute(sa.select(users).where(users.c.token == token)).first()

    def session(self, session_id: str) -> sa.Row[Any] | None:
        """Return a session row, or None."""
        with self.engine.connect() as conn:
            return conn.execute(_SESSION_BY_ID, {"id": session_id}).first()

    def turns(self, session_id: str) -> list[dict[str, Any]]:
        """Return the transcript of a session, oldest first."""
        with self.engine.connect() as conn:
            query = (
                sa.select(turns)
                .where(turns.c.session_id == session_id)
                .order_by(turns.c.id)
            )
            return [dict(row._mapping) for row in conn.execute(query)]


def dumps(value: Any) -> str:
    """Serialise a value to compact JSON (for logs and signatures)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
