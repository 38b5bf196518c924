"""Figures of a cohort, drawn with matplotlib (an optional dependency).

Each function takes a frame from :mod:`.stats` (or the skills frame), draws on
``ax`` (a new figure when omitted) and returns the axes. matplotlib is
imported on first use; without it the error says what to install.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import ConfigurationError
from .stats import curve_summary


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as err:
        raise ConfigurationError(
            "cohort plots need matplotlib: pip install 'ipyinterview[analysis]' "
            "(or pip install matplotlib)"
        ) from err
    return plt


def _axes(ax: Any, size: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    _figure, new = _pyplot().subplots(figsize=size)
    return new


def skill_distributions(skills: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw a box per skill with every score as a dot over it.

    Args:
        skills: the skills frame.
        ax: matplotlib axes to draw on.

    Returns:
        The axes.
    """
    data = skills.dropna(subset=["score"])
    names = sorted(data["skill"].astype(str).unique())
    ax = _axes(ax, (max(5.0, 1.3 * len(names)), 4.0))
    values = [data.loc[data["skill"] == n, "score"].to_numpy(float) for n in names]
    if names:
        ax.boxplot(values, showfliers=False)
        ax.set_xticks(range(1, len(names) + 1), names, rotation=20, ha="right")
        jitter = np.random.default_rng(0)
        for index, points in enumerate(values, start=1):
            spread = jitter.uniform(-0.12, 0.12, len(points))
            ax.scatter(index + spread, points, s=12, alpha=0.6)
    ax.set_ylim(-2, 102)
    ax.set_ylabel("score")
    ax.set_title("Scores per skill")
    return ax


def heatmap(matrix: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw a student x skill matrix (scores 0-100), NA cells left blank.

    Args:
        matrix: from :func:`.stats.student_skill_matrix`.
        ax: matplotlib axes to draw on.

    Returns:
        The axes.
    """
    rows, columns = matrix.shape
    ax = _axes(ax, (max(5.0, 1.1 * columns + 2), max(3.0, 0.35 * rows + 1.5)))
    values = matrix.astype("float64").to_numpy()
    image = ax.imshow(
        np.ma.masked_invalid(values), vmin=0, vmax=100, cmap="viridis", aspect="auto"
    )
    ax.set_xticks(range(columns), [str(c) for c in matrix.columns], rotation=30)
    ax.set_yticks(range(rows), [str(i) for i in matrix.index])
    ax.figure.colorbar(image, ax=ax, label="score")
    ax.set_title("Students x skills")
    return ax


def comparison(summary: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw each group's mean score with its confidence interval.

    Args:
        summary: from :func:`.stats.compare`.
        ax: matplotlib axes to draw on.

    Returns:
        The axes.
    """
    ax = _axes(ax, (max(4.0, 1.2 * len(summary)), 4.0))
    means = summary["mean"].astype("float64").to_numpy()
    low = means - summary["ci_low"].astype("float64").to_numpy()
    high = summary["ci_high"].astype("float64").to_numpy() - means
    labels = [str(i) for i in summary.index]
    ax.bar(labels, means, yerr=np.nan_to_num(np.vstack([low, high])), capsize=4)
    for x, n in enumerate(summary["n"]):
        ax.annotate(
            f"n={n}", (x, 0), xytext=(0, 3), textcoords="offset points", ha="center"
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel("mean score (95% CI)")
    ax.set_title(f"Score by {summary.index.name}")
    return ax


def learning_curves(curves: pd.DataFrame, *, ax: Any = None) -> Any:
    """Draw each student's scores by attempt, and the mean with its interval.

    Args:
        curves: from :func:`.stats.learning_curves`.
        ax: matplotlib axes to draw on.

    Returns:
        The axes.
    """
    ax = _axes(ax, (6.0, 4.0))
    for _student, attempts in curves.groupby("student", observed=True):
        ax.plot(
            attempts["attempt"],
            attempts["score"].astype(float),
            color="0.75",
            linewidth=1,
            marker=".",
        )
    summary = curve_summary(curves)
    if len(summary):
        x = summary.index.to_numpy(dtype=float)
        ax.plot(
            x, summary["mean"].astype(float), color="C1", linewidth=2.5, label="mean"
        )
        ax.fill_between(
            x,
            summary["ci_low"].astype(float),
            summary["ci_high"].astype(float),
            color="C1",
            alpha=0.2,
            label="95% CI",
        )
        ax.legend(loc="lower right")
        ax.set_xticks(x)
    ax.set_ylim(0, 100)
    ax.set_xlabel("attempt")
    ax.set_ylabel("score")
    ax.set_title("Learning curves")
    return ax
