"""The database schema is created, versioned and migrated on start."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from ipyinterview import Client
from ipyinterview.server import LocalService
from ipyinterview.server.db import SCHEMA_VERSION, make_engine, meta, sqlite_url


def stored_version(url: str) -> str:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        value = conn.execute(
            sa.select(meta.c.value).where(meta.c.key == "schema_version")
        ).scalar_one()
    engine.dispose()
    return str(value)


def test_a_new_database_gets_the_current_schema_version(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "new.db")

    make_engine(url).dispose()

    assert stored_version(url) == str(SCHEMA_VERSION)


def test_starting_twice_keeps_the_data(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "twice.db")
    first = make_engine(url)
    with first.begin() as conn:
        conn.execute(meta.insert().values(key="marker", value="kept"))
    first.dispose()

    second = make_engine(url)
    with second.connect() as conn:
        marker = conn.execute(sa.select(meta.c.value).where(meta.c.key == "marker"))
        assert marker.scalar_one() == "kept"
    second.dispose()


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "newer.db")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            meta.update().where(meta.c.key == "schema_version").values(value="999")
        )
    engine.dispose()

    with pytest.raises(RuntimeError, match="upgrade ipyinterview"):
        make_engine(url)


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "wal.db"))

    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()
    engine.dispose()

    assert mode == "wal"
    assert timeout >= 5000


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def database_files(db: Path) -> list[Path]:
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]


@pytest.mark.usefixtures("usual_umask")
def test_a_new_database_and_its_wal_files_are_private(tmp_path: Path) -> None:
    db = tmp_path / "tokens.db"
    engine = make_engine(sqlite_url(db))
    with engine.begin() as conn:
        conn.execute(meta.insert().values(key="token", value="secret"))

    # The -wal and -shm files exist while a connection is open.
    modes = {path.name: mode(path) for path in database_files(db)}
    engine.dispose()

    assert modes == {"tokens.db": 0o600, "tokens.db-wal": 0o600, "tokens.db-shm": 0o600}


@pytest.mark.usefixtures("usual_umask")
def test_the_embedded_service_keeps_its_users_tokens_private(tmp_path: Path) -> None:
    db = tmp_path / "local.db"
    with LocalService(db_path=db) as service:
        with Client(api_key=service.api_key, base_url=service.base_url) as client:
            client.create_user("Ada", "ada@example.com")
        modes = [mode(path) for path in database_files(db)]

    assert modes == [0o600, 0o600, 0o600]


def test_an_existing_database_keeps_its_permissions(tmp_path: Path) -> None:
    # An operator may share a database on purpose; only new files are made private.
    db = tmp_path / "shared.db"
    make_engine(sqlite_url(db)).dispose()
    db.chmod(0o640)

    make_engine(sqlite_url(db)).dispose()

    assert mode(db) == 0o640
