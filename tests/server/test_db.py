"""The database schema is created, versioned and migrated on start."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

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
