"""Exports of a cohort: a Parquet dataset, LMS gradebooks, pseudonymised ids.

A dataset is a folder that Dask, DuckDB, Polars and pandas read directly::

    cohort/
      dataset.json                     schema version and data dictionary
      sessions/interview_id=dsa-1/part-0.parquet
      skills/interview_id=dsa-1/part-0.parquet
      questions/...  feedback/...

Each table is partitioned by ``interview_id`` (hive style): analyses usually
select an interview, and one interview's files hold all its sessions. The
long tables carry ``interview_id`` for that reason.

Pseudonyms are keyed hashes (HMAC-SHA256) of the user id with a salt only the
caller holds: the same salt gives the same pseudonym across exports, and
without it a pseudonym cannot be traced back to a user.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from .. import __version__, frames
from .stats import How, _pick, with_sessions

logger = logging.getLogger(__name__)

#: Bumped whenever a table's columns or their meaning change.
SCHEMA_VERSION = 1
PARTITION = "interview_id"
TABLES: dict[str, dict[str, str]] = {
    "sessions": frames.SESSIONS_SCHEMA,
    "skills": frames.SKILLS_SCHEMA,
    "questions": frames.QUESTIONS_SCHEMA,
    "feedback": frames.FEEDBACK_SCHEMA,
}
DESCRIPTIONS: dict[str, str] = {
    "session_id": "The session's id on the service.",
    "user_id": "The user's id on the service (a pseudonym when pseudonymised).",
    "user_external_id": "The user's id in your application (empty if pseudonymised).",
    "user_name": "The user's name (empty if pseudonymised).",
    "interview_id": "The catalogue id of the interview (the partition key).",
    "track": "The catalogue track of the interview.",
    "level": "The interview's level: Easy, Medium or Hard.",
    "kind": "The interview's kind (code, conversation ...).",
    "persona_id": "The interviewer persona.",
    "mode": "voice or chat.",
    "grade": "The school grade of a grade-adaptive interview.",
    "status": "active, or completed once the report is ready.",
    "score": "Score 0-100 (of the session, skill or question).",
    "verdict": "The report's one-sentence verdict.",
    "created_at": "When the session was created (UTC).",
    "completed_at": "When the report was made (UTC).",
    "duration_s": "Seconds from creation to report.",
    "skill": "The skill's name as the report gives it.",
    "position": "The question's position in the report, from 1.",
    "question": "The question as asked.",
    "answer": "The candidate's answer.",
    "kind@feedback": "strength or improvement.",
    "text": "The strength or improvement, as the report words it.",
}


def pseudonym(user_id: str, salt: str | bytes) -> str:
    """Return the pseudonym of a user id under a salt (a keyed hash).

    Raises:
        ValueError: the salt is shorter than 16 characters; make one with
            ``secrets.token_hex(16)`` and keep it private.
    """
    key = salt.encode() if isinstance(salt, str) else salt
    if len(key) < 16:
        raise ValueError(
            "the salt must have at least 16 characters: make one with "
            "secrets.token_hex(16) and keep it private"
        )
    return "p-" + hmac.new(key, user_id.encode(), hashlib.sha256).hexdigest()[:20]


def pseudonymise(sessions: pd.DataFrame, salt: str | bytes) -> pd.DataFrame:
    """Return the sessions frame with user ids replaced by pseudonyms.

    External ids and names are removed (set to NA).
    """
    out = sessions.copy()
    ids = out["user_id"]
    mapping = {u: pseudonym(u, salt) for u in ids.dropna().unique()}
    out["user_id"] = ids.map(mapping).astype("string")
    out["user_external_id"] = pd.NA
    out["user_name"] = pd.NA
    return out.astype({"user_external_id": "string", "user_name": "string"})


def _dictionary(pseudonymised: bool) -> dict[str, Any]:
    tables = {}
    for name, schema in TABLES.items():
        columns = [
            {
                "name": column,
                "dtype": dtype,
                "description": DESCRIPTIONS.get(f"{column}@{name}")
                or DESCRIPTIONS[column],
            }
            for column, dtype in schema.items()
        ]
        tables[name] = {"path": name, "partitioning": [PARTITION], "columns": columns}
    return {
        "format": "ipyinterview-cohort",
        "schema_version": SCHEMA_VERSION,
        "written_by": f"ipyinterview {__version__}",
        "written_at": datetime.now(timezone.utc).isoformat(),
        "pseudonymised": pseudonymised,
        "tables": tables,
    }


def write_dataset(
    tables: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    salt: str | bytes | None = None,
    overwrite: bool = False,
) -> Path:
    """Write the four frames as a partitioned Parquet dataset with its dictionary.

    Args:
        tables: ``sessions``, ``skills``, ``questions`` and ``feedback`` frames.
        path: the dataset's folder.
        salt: pseudonymise user ids with this salt (see :func:`pseudonym`).
        overwrite: replace a dataset already in ``path``.

    Returns:
        The folder.

    Raises:
        FileExistsError: ``path`` holds a dataset and ``overwrite`` is False.
    """
    folder = Path(path)
    if (folder / "dataset.json").exists() and not overwrite:
        raise FileExistsError(f"{folder} holds a dataset; pass overwrite=True")
    sessions = tables["sessions"]
    if salt is not None:
        sessions = pseudonymise(sessions, salt)
    for name in TABLES:
        frame = sessions if name == "sessions" else tables[name]
        if PARTITION not in frame.columns:
            frame = with_sessions(sessions, frame, [PARTITION])
        table = pa.Table.from_pandas(frame, preserve_index=False)
        ds.write_dataset(
            table,
            folder / name,
            format="parquet",
            partitioning=[PARTITION],
            partitioning_flavor="hive",
            existing_data_behavior="delete_matching",
            basename_template="part-{i}.parquet",
        )
    text = json.dumps(_dictionary(salt is not None), indent=2)
    (folder / "dataset.json").write_text(text, encoding="utf-8")
    logger.info("cohort dataset written to %s", folder)
    return folder


def read_dataset(path: str | Path) -> dict[str, pd.DataFrame]:
    """Read a dataset written by :func:`write_dataset` back into the four frames.

    Raises:
        FileNotFoundError: ``path`` holds no ``dataset.json``.
        ValueError: the dataset's schema version is newer than this package's.
    """
    folder = Path(path)
    meta = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    if meta.get("schema_version", 0) > SCHEMA_VERSION:
        raise ValueError(
            f"{folder} has schema version {meta['schema_version']}; this "
            f"ipyinterview reads up to {SCHEMA_VERSION}: upgrade ipyinterview"
        )
    out = {}
    for name, schema in TABLES.items():
        table = ds.dataset(folder / name, format="parquet", partitioning="hive")
        frame = table.to_table().to_pandas()
        frame = frame.astype({PARTITION: "string"})[list(schema)]
        for column, dtype in schema.items():
            if dtype == frames.UTC:
                frame[column] = pd.to_datetime(frame[column], utc=True).astype(dtype)
            elif str(frame[column].dtype) != dtype:
                frame[column] = frame[column].astype(dtype)
        order = ["session_id", "position"] if name == "questions" else []
        out[name] = frame.sort_values(order).reset_index(drop=True) if order else frame
    return out


Format = Literal["canvas", "moodle"]


def gradebook(
    sessions: pd.DataFrame,
    skills: pd.DataFrame | None = None,
    *,
    format: Format = "canvas",
    how: How = "best",
    salt: str | bytes | None = None,
) -> pd.DataFrame:
    """Return a gradebook: one row per student, one column per interview.

    Args:
        sessions: the sessions frame.
        skills: the skills frame, to add a column per interview and skill.
        format: ``"canvas"`` (Student, ID, SIS User ID, SIS Login ID, Section,
            then the assignments, after a Points Possible row) or
            ``"moodle"`` (ID number, Full name, then the grade items).
        how: which score counts when a student took an interview more than
            once: the ``"best"``, the ``"latest"`` or the ``"mean"``.
        salt: replace names and ids by pseudonyms (for research sharing).

    Returns:
        The gradebook as its CSV will read; write it with
        ``frame.to_csv(path, index=False)``.

    Raises:
        ValueError: an unknown ``format``.
    """
    if format not in ("canvas", "moodle"):
        raise ValueError(f"format must be 'canvas' or 'moodle', not {format!r}")
    if salt is not None:
        sessions = pseudonymise(sessions, salt)
    scored = sessions[sessions["score"].notna() & sessions["user_id"].notna()]
    keys = ["user_id", "interview_id"]
    grades = _pick(scored, keys, how).pivot_table(
        index="user_id", columns="interview_id", values="score", observed=True
    )
    if skills is not None:
        joined = with_sessions(scored, skills, [*keys, "created_at"])
        item = joined["interview_id"] + ": " + joined["skill"].astype("string")
        joined = joined.assign(item=item)
        per_skill = _pick(joined, ["user_id", "item"], how).pivot_table(
            index="user_id", columns="item", values="score", observed=True
        )
        grades = grades.join(per_skill, how="outer")
    grades = grades[sorted(grades.columns, key=str)].round(1)
    who = scored.drop_duplicates("user_id").set_index("user_id")
    ids = grades.index.to_series().astype("string")
    external = who["user_external_id"].reindex(grades.index).fillna(ids)
    name = who["user_name"].reindex(grades.index).fillna(external)
    # Students in the order of their ids, as the LMS lists them.
    order = external.to_numpy(dtype=object).argsort(kind="stable")
    grades, external, name = grades.iloc[order], external.iloc[order], name.iloc[order]
    if format == "moodle":
        people = {"ID number": external.to_numpy(), "Full name": name.to_numpy()}
        return pd.concat([pd.DataFrame(people), grades.reset_index(drop=True)], axis=1)
    people = {
        "Student": name.to_numpy(),
        "ID": "",
        "SIS User ID": external.to_numpy(),
        "SIS Login ID": "",
        "Section": "",
    }
    book = pd.concat([pd.DataFrame(people), grades.reset_index(drop=True)], axis=1)
    points = pd.DataFrame(
        [{"Student": "Points Possible"} | dict.fromkeys(grades.columns, 100)],
        columns=book.columns,
    )
    return pd.concat([points, book], ignore_index=True).astype(object)
