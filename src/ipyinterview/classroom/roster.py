"""Reading a class roster: who the students are, checked before anything is sent.

A roster has one row per student with a name, an email and an external id (the
id of the student in your own records, which makes syncing idempotent). It is
a DataFrame, a CSV file, or a list of dicts. Every problem is reported at once,
with the line to fix, and nothing is synced until the roster is clean.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Any, TypeAlias

import pandas as pd

from ..errors import ValidationError

logger = logging.getLogger(__name__)

COLUMNS = ("name", "email", "external_id")

#: Spellings of the columns that are read as the canonical names.
_ALIASES = {"externalid": "external_id", "studentid": "external_id"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

RosterInput: TypeAlias = pd.DataFrame | str | PathLike | Iterable[Mapping[str, Any]]


class RosterError(ValidationError):
    """Raised when a roster cannot be used; ``problems`` lists each one.

    Nothing has been synced or created when it is raised: fix the roster and
    build the classroom again.
    """

    def __init__(self, problems: list[str], source: str) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        super().__init__(
            f"The roster ({source}) has {count}; fix them and run again "
            f"(nothing was synced):\n{lines}"
        )


@dataclass(frozen=True)
class Student:
    """One student of the roster."""

    name: str
    email: str
    external_id: str


def _column_name(raw: object) -> str:
    name = re.sub(r"[\s\-]+", "_", str(raw).strip())
    # camelCase (externalId) to snake_case before lowering.
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    return _ALIASES.get(name.replace("_", ""), name)


def _frame(roster: RosterInput) -> tuple[pd.DataFrame, str, int]:
    """Return the roster as text columns, where it came from, and its first line."""
    if isinstance(roster, pd.DataFrame):
        return roster.astype("string").fillna(""), "DataFrame", 0
    if isinstance(roster, (str, PathLike)):
        path = Path(roster)
        if not path.is_file():
            raise RosterError(
                [f"no file at {path}; pass a CSV path or a DataFrame"], str(path)
            )
        # Text as written: no NA guessing ("NA" is a name), Excel's BOM dropped.
        try:
            frame = pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding="utf-8-sig"
            )
        except pd.errors.EmptyDataError as err:
            raise RosterError(
                [
                    "it is empty: give it a header line (name,email,external_id) "
                    "and one line per student"
                ],
                path.name,
            ) from err
        if len(frame.columns) == 1 and ";" in str(frame.columns[0]):
            raise RosterError(
                [
                    "it seems to use ';' between columns: save it with commas "
                    "(CSV, comma-separated)"
                ],
                path.name,
            )
        return frame, path.name, 2
    return pd.DataFrame(list(roster)).astype("string").fillna(""), "records", 0


def _where(index: int, first_line: int) -> str:
    return f"line {index + first_line}" if first_line else f"row {index}"


def read_roster(roster: RosterInput) -> list[Student]:
    """Read and check a roster; return its students in roster order.

    Column names are matched loosely (``External ID``, ``externalId`` and
    ``external_id`` are the same); extra columns are ignored. Values are
    stripped of surrounding spaces.

    Args:
        roster: a DataFrame, a CSV path, or a list of dicts, with the columns
            name, email and external_id.

    Returns:
        One :class:`Student` per row.

    Raises:
        RosterError: missing columns, empty values, a malformed email, or an
            external id or email used twice; every problem is listed with its
            line (CSV) or row (DataFrame).
    """
    frame, source, first_line = _frame(roster)
    frame = frame.rename(columns=_column_name)
    found = ", ".join(map(str, frame.columns)) or "none"
    header = [
        f"missing column {column!r} (columns found: {found})"
        for column in COLUMNS
        if column not in frame.columns
    ] + [
        f"column {column!r} is given twice (columns found: {found})"
        for column in COLUMNS
        if list(frame.columns).count(column) > 1
    ]
    if header:
        raise RosterError(header, source)

    problems: list[str] = []
    students: list[Student] = []
    seen: dict[str, dict[str, str]] = {"external_id": {}, "email": {}}
    for index, row in enumerate(frame[list(COLUMNS)].itertuples(index=False)):
        where = _where(index, first_line)
        values = {
            column: str(value).strip()
            for column, value in zip(COLUMNS, row, strict=True)
        }
        for column in COLUMNS:
            if not values[column]:
                problems.append(f"{where}: {column} is empty")
        if values["email"] and not _EMAIL.match(values["email"]):
            problems.append(f"{where}: email {values['email']!r} is not an address")
        for column in ("external_id", "email"):
            key = values[column].lower() if column == "email" else values[column]
            if not key:
                continue
            if key in seen[column]:
                problems.append(
                    f"{where}: {column} {values[column]!r} is already used on "
                    f"{seen[column][key]}; each student needs their own"
                )
            else:
                seen[column][key] = where
        students.append(Student(**values))

    if not students:
        problems.append("the roster has no students")
    if problems:
        raise RosterError(problems, source)
    logger.debug("roster %s: %d students", source, len(students))
    return students


__all__ = ["COLUMNS", "RosterError", "Student", "read_roster"]
