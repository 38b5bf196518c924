"""Rosters: every problem reported at once, with the line to fix."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ipyinterview.classroom import RosterError, Student, read_roster
from ipyinterview.errors import ValidationError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_with_loose_headers_reads_in_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeffName, Email ,External ID,notes\n"
        " Ada ,ada@school.test,s-1,x\n"
        "NA,na@school.test,s-2,\n",
    )

    students = read_roster(path)

    assert students == [
        Student("Ada", "ada@school.test", "s-1"),
        Student("NA", "na@school.test", "s-2"),
    ]


def test_camel_case_and_records_are_accepted() -> None:
    records = [{"name": "Ada", "email": "a@x.test", "externalId": "1"}]

    assert read_roster(records) == [Student("Ada", "a@x.test", "1")]


def test_missing_columns_are_named_with_what_was_found() -> None:
    frame = pd.DataFrame({"name": ["Ada"], "mail": ["a@x.test"]})

    with pytest.raises(RosterError) as caught:
        read_roster(frame)

    assert len(caught.value.problems) == 2
    message = str(caught.value)
    assert "missing column 'email' (columns found: name, mail)" in message
    assert "missing column 'external_id'" in message
    assert "nothing was synced" in message
    assert isinstance(caught.value, ValidationError)


def test_every_row_problem_is_listed_with_its_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "name,email,external_id\n"
        "Ada,ada@school.test,s-1\n"
        "Bob,,s-2\n"
        "Eve,eve@school.test,s-1\n"
        ",ADA@school.test,s-4\n"
        "Max,not-an-address,s-5\n",
    )

    with pytest.raises(RosterError) as caught:
        read_roster(path)

    assert caught.value.problems == [
        "line 3: email is empty",
        "line 4: external_id 's-1' is already used on line 2; each student "
        "needs their own",
        "line 5: name is empty",
        "line 5: email 'ADA@school.test' is already used on line 2; each student "
        "needs their own",
        "line 6: email 'not-an-address' is not an address",
    ]
    assert "roster.csv" in str(caught.value)


def test_dataframe_rows_are_counted_from_zero() -> None:
    frame = pd.DataFrame(
        {
            "name": ["Ada", None],
            "email": ["a@x.test", "b@x.test"],
            "external_id": "1 2".split(),
        }
    )

    with pytest.raises(RosterError, match="row 1: name is empty"):
        read_roster(frame)


def test_an_empty_roster_or_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="no students"):
        read_roster(write(tmp_path, "name,email,external_id\n"))
    with pytest.raises(RosterError, match="no file at"):
        read_roster(tmp_path / "missing.csv")


def test_an_empty_csv_says_what_it_needs(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "empty.csv"
    path.write_text("")

    with pytest.raises(RosterError, match="give it a header line"):
        read_roster(path)


def test_a_semicolon_csv_says_to_use_commas(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "semi.csv"
    path.write_text("name;email;external_id\nAda;ada@example.com;s1\n")

    with pytest.raises(RosterError, match="';' between columns"):
        read_roster(path)
