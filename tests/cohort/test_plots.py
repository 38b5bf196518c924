"""Cohort plots draw the cohort; without matplotlib they say what to install."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import matplotlib
import pytest

from ipyinterview import Cohort
from ipyinterview.errors import ConfigurationError

from .conftest import Taken

matplotlib.use("Agg")
import matplotlib.pyplot as plt


@pytest.fixture(scope="module")
def cohort(taken: Taken) -> Cohort:
    return Cohort.from_ledger(taken.client, taken.tokens, ledger=taken.ledger)


@pytest.fixture(autouse=True)
def _close() -> Iterator[None]:
    yield
    plt.close("all")


def test_each_plot_draws_the_cohort(cohort: Cohort) -> None:
    skills = cohort.plot_skills()
    heatmap = cohort.plot_heatmap()
    personas = cohort.plot_comparison("persona_id")
    curves = cohort.plot_learning_curves()

    assert [t.get_text() for t in skills.get_xticklabels()] == sorted(
        cohort.skills["skill"].astype(str).unique()
    )
    assert len(heatmap.get_yticklabels()) == 3
    assert [t.get_text() for t in personas.get_xticklabels()] == [
        "alex",
        "leo",
        "maya",
    ]
    assert len(curves.get_lines()) == 3 + 1  # one line per student, and the mean


def test_an_empty_cohort_still_plots(cohort: Cohort) -> None:
    empty = Cohort.from_reports([])

    assert empty.plot_skills().get_title() == "Scores per skill"
    assert empty.plot_learning_curves().get_title() == "Learning curves"


def test_without_matplotlib_the_error_says_what_to_install(
    cohort: Cohort, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)

    with pytest.raises(
        ConfigurationError, match=r"pip install 'ipyinterview\[analysis\]'"
    ):
        cohort.plot_skills()
