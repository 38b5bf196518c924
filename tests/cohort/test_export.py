"""Exports: a Parquet dataset Dask and DuckDB read, gradebooks, pseudonyms."""

from __future__ import annotations

import json
from pathlib import Path

import dask.dataframe as dd
import duckdb
import pandas as pd
import pytest

from ipyinterview import Cohort, frames
from ipyinterview.cohort.export import SCHEMA_VERSION, pseudonym

from .conftest import Taken

SALT = "a-private-salt-of-32-characters!"


@pytest.fixture(scope="module")
def cohort(taken: Taken) -> Cohort:
    return Cohort.from_ledger(taken.client, taken.tokens, ledger=taken.ledger)


def test_the_dataset_round_trips_with_its_schema(
    cohort: Cohort, tmp_path: Path
) -> None:
    folder = cohort.to_dataset(tmp_path / "cohort")
    meta = json.loads((folder / "dataset.json").read_text())

    loaded = Cohort.from_dataset(folder)

    assert meta["schema_version"] == SCHEMA_VERSION
    assert [c["name"] for c in meta["tables"]["skills"]["columns"]] == list(
        frames.SKILLS_SCHEMA
    )
    assert all(c["description"] for t in meta["tables"].values() for c in t["columns"])
    assert (folder / "skills" / "interview_id=dsa-1").is_dir()
    for name in ("sessions", "skills", "questions", "feedback"):
        ours, theirs = getattr(cohort, name), getattr(loaded, name)
        assert {c: str(t) for c, t in theirs.dtypes.items()} == {
            c: str(t) for c, t in ours.dtypes.items()
        }
        assert len(theirs) == len(ours)
    pd.testing.assert_frame_equal(
        loaded.skill_summary(), cohort.skill_summary(), check_exact=False
    )


# dask's parquet reader itself calls reset_index(inplace=True), which pandas 3.1
# deprecates; the warning is dask's, not ours.
@pytest.mark.filterwarnings(
    "ignore:The inplace keyword in DataFrame.reset_index:pandas.errors.Pandas4Warning"
)
def test_dask_and_duckdb_read_the_dataset_directly(
    cohort: Cohort, tmp_path: Path
) -> None:
    folder = cohort.to_dataset(tmp_path / "cohort")
    expected = cohort.skill_summary()["mean"].astype(float)

    from_dask = (
        dd.read_parquet(folder / "skills")
        .groupby("skill", observed=True)["score"]
        .mean()
        .compute()
    )
    from_duckdb = duckdb.sql(
        f"select skill, avg(score) as mean from read_parquet("
        f"'{folder}/skills/**/*.parquet', hive_partitioning = true) group by skill"
    ).df()

    from_dask.index = from_dask.index.astype(str)
    pd.testing.assert_series_equal(
        from_dask.astype(float).sort_index(), expected, check_names=False
    )
    duck = from_duckdb.set_index("skill")["mean"].sort_index()
    pd.testing.assert_series_equal(duck, expected, check_names=False)


def test_a_dataset_is_not_overwritten_by_accident(
    cohort: Cohort, tmp_path: Path
) -> None:
    cohort.to_dataset(tmp_path / "c")

    with pytest.raises(FileExistsError, match="overwrite=True"):
        cohort.to_dataset(tmp_path / "c")
    cohort.to_dataset(tmp_path / "c", overwrite=True)


def test_a_pseudonymised_dataset_holds_no_name_or_id(
    cohort: Cohort, taken: Taken, tmp_path: Path
) -> None:
    folder = cohort.to_dataset(tmp_path / "shared", salt=SALT)
    text = b"".join(p.read_bytes() for p in folder.rglob("*.parquet"))

    loaded = Cohort.from_dataset(folder)

    for user in taken.users.values():
        assert user.id.encode() not in text
        assert user.name.encode() not in text
        assert pseudonym(user.id, SALT) in set(loaded.sessions["user_id"])
    assert loaded.sessions["user_name"].isna().all()


def test_pseudonyms_need_the_salt_and_a_long_one() -> None:
    assert pseudonym("u1", SALT) == pseudonym("u1", SALT)
    assert pseudonym("u1", SALT) != pseudonym("u1", SALT + "x")
    assert pseudonym("u1", SALT) != pseudonym("u2", SALT)
    with pytest.raises(ValueError, match=r"secrets\.token_hex"):
        pseudonym("u1", "short")


def test_canvas_gradebook_has_points_possible_and_sis_ids(
    cohort: Cohort, tmp_path: Path
) -> None:
    path = tmp_path / "canvas.csv"

    book = cohort.gradebook(path, format="canvas", skills=True)
    written = pd.read_csv(path)

    assert list(book.columns[:5]) == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
    ]
    assert book.loc[0, "Student"] == "Points Possible"
    assert set(book["SIS User ID"].dropna()) == {"weak", "mid", "strong"}
    assert {"dsa-1", "beh-1", "dsa-1: Hash maps"} <= set(book.columns)
    assert len(written) == 4
    strong = book[book["SIS User ID"] == "strong"].iloc[0]
    weak = book[book["SIS User ID"] == "weak"].iloc[0]
    assert strong["dsa-1"] > weak["dsa-1"]


def test_moodle_gradebook_keys_on_id_number(cohort: Cohort) -> None:
    best = cohort.gradebook(format="moodle")
    latest = cohort.gradebook(format="moodle", how="latest")

    assert list(best.columns[:2]) == ["ID number", "Full name"]
    assert set(best["ID number"]) == {"weak", "mid", "strong"}
    assert (best["dsa-1"] >= latest["dsa-1"]).all()


def test_a_pseudonymised_gradebook_shows_no_name(cohort: Cohort, taken: Taken) -> None:
    book = cohort.gradebook(format="moodle", salt=SALT)

    assert not set(book["Full name"]) & {u.name for u in taken.users.values()}
    assert all(value.startswith("p-") for value in book["ID number"])
