"""Cohort statistics on hand-made frames, against values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from ipyinterview import frames
from ipyinterview.cohort import stats


def _skills(rows: list[tuple[str, str, int | None]]) -> pd.DataFrame:
    return frames.skills_frame(
        {"_id": s, "feedback": {"skills": [{"name": k, "score": v}]}}
        for s, k, v in rows
    )


@pytest.mark.parametrize(
    ("df", "expected"),
    [(1, 12.706), (2, 4.303), (4, 2.776), (10, 2.228), (30, 2.042), (120, 1.980)],
)
def test_t_quantiles_match_the_tables(df: int, expected: float) -> None:
    assert stats.t_quantile(0.975, df) == pytest.approx(expected, abs=2e-3)


def test_skill_summary_gives_n_mean_median_std_and_interval() -> None:
    skills = _skills([("a", "SQL", 60), ("b", "SQL", 70), ("c", "SQL", 80)])

    row = stats.skill_summary(skills).loc["SQL"]

    assert (row["n"], row["mean"], row["median"], row["std"]) == (3, 70, 70, 10)
    half = 4.303 * 10 / math.sqrt(3)
    assert row["ci_low"] == pytest.approx(70 - half, abs=0.01)
    assert row["ci_high"] == pytest.approx(70 + half, abs=0.01)


def test_one_value_has_no_spread_and_no_value_no_mean() -> None:
    skills = _skills([("a", "Solo", 50), ("b", "Empty", None)])

    summary = stats.skill_summary(skills)

    assert summary.loc["Solo", "mean"] == 50
    assert summary.loc["Solo", "std"] is pd.NA
    assert summary.loc["Empty", "n"] == 0
    assert stats.skill_summary(_skills([])).empty


def test_compare_gives_cohens_d_against_a_reference() -> None:
    frame = pd.DataFrame(
        {"persona_id": ["maya"] * 3 + ["leo"] * 3, "score": [70, 80, 90, 50, 60, 70]}
    )

    result = stats.compare(frame, "persona_id", reference="leo")

    assert result.loc["maya", "diff"] == 20
    assert result.loc["maya", "cohens_d"] == pytest.approx(2.0)
    assert result.loc["leo", "cohens_d"] == 0
    assert result.attrs["eta_squared"] == pytest.approx(600 / 1000)


def test_compare_names_a_missing_column_or_group() -> None:
    frame = pd.DataFrame({"mode": ["chat"], "score": [1]})

    with pytest.raises(KeyError, match="no column 'grade'"):
        stats.compare(frame, "grade")
    with pytest.raises(KeyError, match="no group 'voice'"):
        stats.compare(frame, "mode", reference="voice")


def test_the_matrix_takes_mean_best_or_latest() -> None:
    documents = [
        {"_id": f"s{i}", "userId": "u1", "createdAt": f"2026-01-0{i}T00:00:00Z"}
        | {"feedback": {"skills": [{"name": "SQL", "score": score}]}}
        for i, score in [(1, 40), (2, 90), (3, 50)]
    ]
    built = frames.build_frames(documents)

    def cell(how: stats.How) -> float:
        matrix = stats.student_skill_matrix(built.sessions, built.skills, how=how)
        return matrix.loc["u1", "SQL"]

    assert (cell("mean"), cell("best"), cell("latest")) == (60, 90, 50)


def test_a_small_samples_interval_stays_on_the_score_scale() -> None:
    import pandas as pd

    from ipyinterview.cohort.stats import describe

    wide = describe(pd.Series([0, 100]))
    single = describe(pd.Series([70]))

    assert wide["ci_low"] == 0.0
    assert wide["ci_high"] == 100.0
    assert pd.isna(single["ci_low"])
