"""Cohort statistics: pure functions of the report frames (no I/O).

- :func:`skill_summary`: n, mean, median, std and a 95% confidence interval
  per skill.
- :func:`student_skill_matrix`: one row per student, one column per skill.
- :func:`compare`: a score by group (persona, mode, grade, interview or any
  column), with Cohen's d of each group against the reference and eta squared.
- :func:`learning_curves`: each student's attempts in order;
  :func:`curve_summary` averages them per attempt.

Confidence intervals use Student's t distribution (mean +/- t * std / sqrt(n));
with fewer than two values they are NA.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

SUMMARY_COLUMNS = ["n", "mean", "median", "std", "ci_low", "ci_high"]
How = Literal["mean", "best", "latest"]


def t_quantile(p: float, df: float) -> float:
    """Return the p-quantile of Student's t distribution with ``df`` degrees of freedom.

    Exact for 1 and 2 degrees of freedom; otherwise the Cornish-Fisher
    expansion around the normal quantile (error below 0.005 at df = 3 for the
    usual 0.9-0.995, falling fast as df grows).

    Raises:
        ValueError: ``p`` is not strictly between 0 and 1, or ``df`` < 1.
    """
    if not 0 < p < 1 or df < 1:
        raise ValueError("t_quantile needs 0 < p < 1 and df >= 1")
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    z = _normal_quantile(p)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    g3 = (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / 384
    g4 = (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _normal_quantile(p: float) -> float:
    # Newton steps on the error function from a logistic first guess.
    x = math.log(p / (1 - p)) / 1.702
    for _ in range(50):
        error = 0.5 * (1 + math.erf(x / math.sqrt(2))) - p
        x -= error / (math.exp(-x * x / 2) / math.sqrt(2 * math.pi))
        if abs(error) < 1e-15:
            break
    return x


#: Scores lie in this range, and so do the intervals reported for them.
SCORE_RANGE = (0.0, 100.0)


def describe(
    values: pd.Series,
    *,
    level: float = 0.95,
    bounds: tuple[float, float] | None = SCORE_RANGE,
) -> dict[str, float | int]:
    """Return n, mean, median, std and the confidence interval of the values.

    NA values are left out. With no value every statistic is NA; with one,
    ``std`` and the interval are NA. The interval is clipped to ``bounds``
    (a small sample's interval can reach past the score scale).
    """
    data = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    n = len(data)
    if n == 0:
        return {"n": 0} | dict.fromkeys(SUMMARY_COLUMNS[1:], np.nan)
    mean, median = float(data.mean()), float(np.median(data))
    std = float(data.std(ddof=1)) if n > 1 else np.nan
    half = t_quantile(0.5 + level / 2, n - 1) * std / math.sqrt(n) if n > 1 else np.nan
    return {
        "n": n,
        "mean": mean,
        "median": median,
        "std": std,
        "ci_low": _clip(mean - half, bounds),
        "ci_high": _clip(mean + half, bounds),
    }


def _clip(value: float, bounds: tuple[float, float] | None) -> float:
    if bounds is None or math.isnan(value):
        return value
    return min(bounds[1], max(bounds[0], value))


def _summary(groups: dict[object, pd.Series], name: str, level: float) -> pd.DataFrame:
    rows = {key: describe(values, level=level) for key, values in groups.items()}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=SUMMARY_COLUMNS)
    frame.index.name = name
    frame = frame.sort_index()
    return frame.astype({"n": "Int64"} | dict.fromkeys(SUMMARY_COLUMNS[1:], "Float64"))


def _groups(frame: pd.DataFrame, by: str, value: str) -> dict[object, pd.Series]:
    if frame.empty:
        return {}
    grouped = frame.groupby(by, observed=True, sort=True, dropna=True)[value]
    return {key: values for key, values in grouped}


def skill_summary(skills: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Return n, mean, median, std and a confidence interval per skill.

    Args:
        skills: the skills frame (``session_id``, ``skill``, ``score``).
        level: the confidence level of ``ci_low`` / ``ci_high``.

    Returns:
        One row per skill (the index), sorted by name; ``n`` counts the scores
        that are not NA.
    """
    return _summary(_groups(skills, "skill", "score"), "skill", level)


def with_sessions(
    sessions: pd.DataFrame, long: pd.DataFrame, columns: Sequence[str]
) -> pd.DataFrame:
    """Return the long frame with session columns added (joined on session id)."""
    extra = [c for c in columns if c not in long.columns]
    return long.merge(sessions[["session_id", *extra]], on="session_id", how="left")


def _pick(frame: pd.DataFrame, keys: list[str], how: How) -> pd.DataFrame:
    if how == "mean":
        return frame.groupby(keys, observed=True)["score"].mean().reset_index()
    ranked = frame.dropna(subset=["score"]) if how == "best" else frame
    order = "score" if how == "best" else "created_at"
    ranked = ranked.sort_values([order, "session_id"], na_position="first")
    return ranked.groupby(keys, observed=True).tail(1)


def student_skill_matrix(
    sessions: pd.DataFrame,
    skills: pd.DataFrame,
    *,
    student: str = "user_id",
    how: How = "mean",
) -> pd.DataFrame:
    """Return one row per student and one column per skill.

    Args:
        sessions: the sessions frame (for the student and the times).
        skills: the skills frame.
        student: the sessions column naming a student (``user_id``,
            ``user_external_id``, ``user_name``).
        how: ``"mean"`` of the student's scores for the skill, their
            ``"best"``, or the ``"latest"``.

    Returns:
        Scores as ``Float64``; NA where a student has no score for a skill.

    Raises:
        ValueError: ``how`` is not one of the three.
    """
    if how not in ("mean", "best", "latest"):
        raise ValueError(f"how must be 'mean', 'best' or 'latest', not {how!r}")
    joined = with_sessions(sessions, skills, [student, "created_at"])
    picked = _pick(joined, [student, "skill"], how)
    matrix = picked.pivot_table(
        index=student, columns="skill", values="score", aggfunc="first", observed=True
    )
    matrix.columns = pd.Index([str(c) for c in matrix.columns], name="skill")
    return matrix.astype("Float64").sort_index()


def _cohens_d(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 2 or len(b) < 2:
        return np.nan
    pooled = ((len(a) - 1) * a.var(ddof=1) + (len(b) - 1) * b.var(ddof=1)) / (
        len(a) + len(b) - 2
    )
    return float((a.mean() - b.mean()) / math.sqrt(pooled)) if pooled > 0 else np.nan


def eta_squared(groups: Sequence[np.ndarray]) -> float:
    """Return the share of the variance explained by the grouping (0-1, or NA)."""
    values = np.concatenate(groups) if groups else np.array([])
    total = ((values - values.mean()) ** 2).sum() if len(values) else 0.0
    if total == 0:
        return np.nan
    between = sum(len(g) * (g.mean() - values.mean()) ** 2 for g in groups if len(g))
    return float(between / total)


def compare(
    frame: pd.DataFrame,
    by: str,
    *,
    value: str = "score",
    reference: object | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """Compare a value across the groups of a column, with effect sizes.

    Args:
        frame: any frame holding ``by`` and ``value`` (the sessions frame, or
            skills joined with sessions by :func:`with_sessions`).
        by: the column to group by (``persona_id``, ``mode``, ``grade``,
            ``interview_id`` ...).
        value: the numeric column compared.
        reference: the group the others are compared with; by default each
            group is compared with all the other groups together.
        level: the confidence level of the intervals.

    Returns:
        One row per group: the :func:`describe` statistics, ``diff`` (mean
        minus the reference's mean) and ``cohens_d`` (pooled standard
        deviation). ``attrs["eta_squared"]`` holds the share of variance the
        grouping explains.

    Raises:
        KeyError: ``by`` or ``value`` is not a column; ``reference`` is not a
            group.
    """
    for column in (by, value):
        if column not in frame.columns:
            raise KeyError(f"no column {column!r}; columns: {list(frame.columns)}")
    groups = _groups(frame, by, value)
    summary = _summary(groups, by, level)
    arrays = {
        k: pd.to_numeric(v, errors="coerce").dropna().to_numpy(float)
        for k, v in groups.items()
    }
    if reference is not None and reference not in arrays:
        raise KeyError(f"no group {reference!r} in {by!r}; groups: {list(arrays)}")
    diffs, effects = [], []
    for key, values in arrays.items():
        if reference is not None:
            other = arrays[reference]
        else:
            rest = [v for k, v in arrays.items() if k != key]
            other = np.concatenate(rest) if rest else np.array([])
        same = len(values) and len(other)
        diffs.append(values.mean() - other.mean() if same else np.nan)
        effects.append(_cohens_d(values, other))
    summary["diff"] = pd.array(diffs, dtype="Float64")
    summary["cohens_d"] = pd.array(effects, dtype="Float64")
    summary.attrs["eta_squared"] = eta_squared(list(arrays.values()))
    return summary


def learning_curves(
    sessions: pd.DataFrame,
    skills: pd.DataFrame | None = None,
    *,
    student: str = "user_id",
    skill: str | None = None,
    interview_id: str | None = None,
) -> pd.DataFrame:
    """Return each student's attempts in order, numbered from 1.

    Args:
        sessions: the sessions frame; only sessions with a score count.
        skills: the skills frame, needed when ``skill`` is given.
        student: the column naming a student.
        skill: follow this skill's score instead of the session score.
        interview_id: only attempts at this interview.

    Returns:
        Columns ``student``, ``attempt``, ``session_id``, ``interview_id``,
        ``created_at`` and ``score``, ordered by student and attempt.

    Raises:
        ValueError: ``skill`` was given without the skills frame.
    """
    frame = sessions
    if interview_id is not None:
        frame = frame[frame["interview_id"] == interview_id]
    columns = ["session_id", student, "interview_id", "created_at"]
    if skill is not None:
        if skills is None:
            raise ValueError("following a skill needs the skills frame")
        scores = skills[skills["skill"] == skill][["session_id", "score"]]
        frame = frame[columns].merge(scores, on="session_id", how="inner")
    frame = frame[frame["score"].notna() & frame[student].notna()]
    frame = frame.sort_values([student, "created_at", "session_id"])
    curves = pd.DataFrame(
        {
            "student": frame[student].astype("string"),
            "attempt": frame.groupby(student, observed=True).cumcount().add(1),
            "session_id": frame["session_id"],
            "interview_id": frame["interview_id"],
            "created_at": frame["created_at"],
            "score": frame["score"].astype("Int64"),
        }
    )
    return curves.astype({"attempt": "Int64"}).reset_index(drop=True)


def curve_summary(curves: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Return the :func:`describe` statistics of the scores at each attempt."""
    return _summary(_groups(curves, "attempt", "score"), "attempt", level)
