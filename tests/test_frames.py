"""Reports to DataFrames: declared schemas, nullable types, partial data."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ipyinterview import frames
from ipyinterview.models import Catalogue, Session

DATA = Path(__file__).parent / "data"
SEED = json.loads((DATA / "seed_session.json").read_text())


def test_empty_input_gives_the_full_schema() -> None:
    for build, schema in [
        (frames.sessions_frame, frames.SESSIONS_SCHEMA),
        (frames.skills_frame, frames.SKILLS_SCHEMA),
        (frames.questions_frame, frames.QUESTIONS_SCHEMA),
        (frames.feedback_frame, frames.FEEDBACK_SCHEMA),
    ]:
        frame = build([])
        assert list(frame.columns) == list(schema)
        assert {c: str(t) for c, t in frame.dtypes.items()} == schema


def test_the_seed_report_becomes_rows() -> None:
    sessions = frames.sessions_frame([SEED])
    skills = frames.skills_frame([SEED])
    questions = frames.questions_frame([SEED])

    assert sessions.loc[0, "score"] == 78
    assert sessions.loc[0, "verdict"].startswith("Strong problem solving")
    assert skills.to_dict("records") == [
        {"session_id": "44s2rmqbh", "skill": "Hash maps", "score": 82}
    ]
    assert questions.loc[0, "position"] == 1


def test_an_active_session_without_report_gives_na_not_an_error() -> None:
    active = Session.model_validate(
        {"_id": "a1", "status": "active", "interviewId": "x"}
    )

    sessions = frames.sessions_frame([active])

    assert sessions.loc[0, "score"] is pd.NA
    assert sessions.loc[0, "verdict"] is pd.NA
    assert frames.skills_frame([active]).empty


def test_nulls_inside_a_report_stay_na() -> None:
    document = {
        "_id": "n1",
        "status": "completed",
        "feedback": {
            "skills": [{"name": "SQL", "score": None}],
            "questions": [{"q": "Why?", "answer": None, "score": None}],
        },
    }

    skills = frames.skills_frame([document])
    questions = frames.questions_frame([document])

    assert skills.loc[0, "score"] is pd.NA
    assert questions.loc[0, "answer"] is pd.NA


def test_times_are_utc_and_duration_is_derived() -> None:
    document = {
        "_id": "t1",
        "status": "completed",
        "score": 50,
        "createdAt": "2026-01-01T10:00:00Z",
        "completedAt": "2026-01-01T10:20:30Z",
    }

    sessions = frames.sessions_frame([document])

    assert str(sessions["created_at"].dtype) == "datetime64[ns, UTC]"
    assert sessions.loc[0, "duration_s"] == 1230.0


def test_the_catalogue_fills_track_level_and_kind() -> None:
    catalogue = Catalogue.model_validate(
        json.loads((DATA / "seed_catalogue.json").read_text())
    )
    document = {"_id": "c1", "interviewId": "dsa-1", "status": "active"}

    row = frames.sessions_frame([document], catalogue=catalogue).iloc[0]

    assert (row["track"], row["level"], row["kind"]) == ("dsa", "Easy", "code")


def test_feedback_is_long_with_strengths_first_per_session() -> None:
    documents = [
        {
            "_id": "f1",
            "status": "completed",
            "feedback": {"strengths": ["a", "b"], "improvements": ["c"]},
        },
        {"_id": "f2", "status": "active"},
        {"_id": "f3", "status": "completed", "feedback": {"improvements": ["d"]}},
    ]

    feedback = frames.feedback_frame(documents)

    assert feedback.to_dict("records") == [
        {"session_id": "f1", "kind": "strength", "text": "a"},
        {"session_id": "f1", "kind": "strength", "text": "b"},
        {"session_id": "f1", "kind": "improvement", "text": "c"},
        {"session_id": "f3", "kind": "improvement", "text": "d"},
    ]
    assert list(feedback["kind"].cat.categories) == ["strength", "improvement"]


def test_build_frames_gives_all_four_with_their_schemas() -> None:
    built = frames.build_frames([SEED, {"_id": "a2"}])

    schemas = [
        frames.SESSIONS_SCHEMA,
        frames.SKILLS_SCHEMA,
        frames.QUESTIONS_SCHEMA,
        frames.FEEDBACK_SCHEMA,
    ]
    for frame, schema in zip(built, schemas, strict=True):
        assert {c: str(t) for c, t in frame.dtypes.items()} == schema
    assert list(built.sessions["session_id"]) == ["44s2rmqbh", "a2"]
    assert len(built.feedback) == 2


def test_users_fill_external_id_and_name_where_known() -> None:
    documents = [{"_id": "u1", "userId": "A"}, {"_id": "u2", "userId": "B"}]
    users = {"A": {"external_id": "student-7", "name": "Ada"}}

    sessions = frames.sessions_frame(documents, users=users)

    assert sessions.loc[0, ["user_external_id", "user_name"]].tolist() == [
        "student-7",
        "Ada",
    ]
    assert sessions.loc[1, "user_name"] is pd.NA


def test_odd_documents_are_normalised_not_rejected() -> None:
    # A score as a string and a time with an offset: the model converts both.
    document = {
        "_id": "o1",
        "status": "completed",
        "score": "64",
        "createdAt": "2026-01-01T12:00:00+02:00",
        "feedback": {"skills": [{"name": "Brand new skill", "score": 5}]},
    }

    sessions = frames.sessions_frame([document])
    skills = frames.skills_frame([document])

    assert sessions.loc[0, "score"] == 64
    assert sessions.loc[0, "created_at"] == pd.Timestamp("2026-01-01T10:00:00Z")
    assert skills.loc[0, "skill"] == "Brand new skill"


def test_question_positions_restart_for_each_session() -> None:
    question = {"q": "?", "answer": "!", "score": 1}
    documents = [
        {"_id": s, "feedback": {"questions": [question] * n}}
        for s, n in [("p1", 2), ("p2", 0), ("p3", 3)]
    ]

    questions = frames.questions_frame(documents)

    assert questions["position"].tolist() == [1, 2, 1, 2, 3]
    assert questions["session_id"].tolist() == ["p1", "p1", "p3", "p3", "p3"]
