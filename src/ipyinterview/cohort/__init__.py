"""Cohort analysis: many reports to frames, statistics, plots and exports.

A researcher's three lines::

    from ipyinterview import Client, Cohort

    cohort = Cohort.from_sessions(Client(), session_ids, user_token=token)
    cohort.skill_summary()

- :mod:`.core`: the :class:`Cohort`.
- :mod:`.stats`: pure statistics of the frames.
- :mod:`.plots`: matplotlib figures (``pip install ipyinterview[analysis]``).
- :mod:`.export`: the Parquet dataset, gradebooks and pseudonyms.
"""

from __future__ import annotations

from .core import Cohort
from .export import pseudonym, read_dataset, write_dataset
from .stats import compare, learning_curves, skill_summary, student_skill_matrix

__all__ = [
    "Cohort",
    "compare",
    "learning_curves",
    "pseudonym",
    "read_dataset",
    "skill_summary",
    "student_skill_matrix",
    "write_dataset",
]
