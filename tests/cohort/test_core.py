"""A Cohort from a real local service: by session ids, from the ledger, by reports."""

from __future__ import annotations

import pandas as pd
import pytest

from ipyinterview import Cohort, frames
from ipyinterview.errors import NotFoundError, ValidationError

from .conftest import Taken


def test_from_sessions_reads_every_report_with_its_user(taken: Taken) -> None:
    pairs = [
        (user.token, entry.session_id)
        for entry in taken.ledger.entries()
        for user in taken.users.values()
        if user.id == entry.user_id
    ]

    cohort = Cohort.from_sessions(taken.client, pairs, progress=False)

    sessions = cohort.sessions
    assert len(cohort) == 10
    assert not cohort.failures
    assert (sessions["status"] == "completed").sum() == 9
    assert set(sessions["user_external_id"]) == {"weak", "mid", "strong"}
    assert set(sessions["track"].dropna()) == {"dsa", "behavioural"}
    assert {c: str(t) for c, t in sessions.dtypes.items()} == frames.SESSIONS_SCHEMA


def test_the_stronger_student_scores_higher_in_every_view(taken: Taken) -> None:
    cohort = Cohort.from_ledger(taken.client, taken.tokens, ledger=taken.ledger)
    matrix = cohort.student_skill_matrix(student="user_external_id")
    by_student = cohort.compare("user_external_id")

    assert by_student.loc["strong", "mean"] > by_student.loc["weak", "mean"]
    assert by_student.loc["strong", "cohens_d"] > 0
    assert matrix.loc["strong", "Hash maps"] > matrix.loc["weak", "Hash maps"]
    assert 0 < by_student.attrs["eta_squared"] <= 1


def test_a_user_without_token_is_a_failure_not_a_crash(taken: Taken) -> None:
    tokens = {"strong": taken.users["strong"].token}

    with pytest.warns(UserWarning, match="4 of 6 sessions could not be read"):
        cohort = Cohort.from_ledger(
            taken.client,
            tokens,
            ledger=taken.ledger,
            interview_id="dsa-1",
            progress=False,
        )

    assert len(cohort) == 2
    assert len(cohort.failures) == 4
    assert all(isinstance(f.error, ValidationError) for f in cohort.failures)


def test_a_cohort_of_unknown_sessions_says_so(taken: Taken) -> None:
    token = taken.users["strong"].token

    with pytest.raises(NotFoundError):
        Cohort.from_sessions(
            taken.client, ["no-such-1", "no-such-2"], user_token=token, progress=False
        )


def test_the_ledger_keeps_sessions_of_other_services_apart(taken: Taken) -> None:
    assert taken.ledger.entries(base_url="http://127.0.0.1:1") == []
    assert len(taken.ledger.entries(base_url=taken.client.base_url)) == 10


def test_learning_curves_follow_each_students_attempts(taken: Taken) -> None:
    cohort = Cohort.from_ledger(taken.client, taken.tokens, ledger=taken.ledger)

    curves = cohort.learning_curves(student="user_external_id", interview_id="dsa-1")

    assert curves.groupby("student")["attempt"].max().to_dict() == {
        "mid": 2,
        "strong": 2,
        "weak": 2,
    }
    for _student, attempts in curves.groupby("student"):
        assert attempts["created_at"].is_monotonic_increasing


def test_from_reports_keeps_partial_data_as_na() -> None:
    reports = [
        {"_id": "r1", "userId": "u", "status": "active"},
        {
            "_id": "r2",
            "userId": "u",
            "status": "completed",
            "score": 40,
            "feedback": {"skills": [{"name": "New skill", "score": None}]},
        },
    ]

    cohort = Cohort.from_reports(reports)

    assert cohort.sessions["score"].tolist()[1] == 40
    assert cohort.sessions["score"].isna().tolist() == [True, False]
    summary = cohort.skill_summary()
    assert summary.loc["New skill", "n"] == 0
    assert summary.loc["New skill", "mean"] is pd.NA
