"""AI practice interviews in Jupyter notebooks.

- :class:`InterviewRoom`: the widget (catalogue picker, interview room, events).
- :class:`Client` and :class:`AsyncClient`: the interviewer API.
- :mod:`ipyinterview.frames`: reports to pandas DataFrames.
- :class:`Classroom` and :class:`ClassroomGrid`: a roster, an assigned
  interview, a live grid and the gradebook.
- :func:`doctor`: what to fix when the room stays blank or silent.
- :class:`Cohort` (:mod:`ipyinterview.cohort`): many reports to statistics,
  plots, gradebooks and Parquet datasets.
- :mod:`ipyinterview.server`: the local service, the offline default when no
  API key is configured.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from .classroom import Classroom, ClassroomGrid
    from .client import AsyncClient, Client
    from .cohort import Cohort
    from .diagnostics import doctor
    from .errors import IpyInterviewError
    from .widget import InterviewRoom

_LAZY = {
    "AsyncClient": "client",
    "Classroom": "classroom",
    "ClassroomGrid": "classroom",
    "Client": "client",
    "doctor": "diagnostics",
    "Cohort": "cohort",
    "InterviewRoom": "widget",
    "IpyInterviewError": "errors",
}


def __getattr__(name: str) -> Any:
    # Lazy, so the service command does not import the widget stack.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AsyncClient",
    "Classroom",
    "ClassroomGrid",
    "Client",
    "Cohort",
    "InterviewRoom",
    "IpyInterviewError",
    "__version__",
    "doctor",
]
