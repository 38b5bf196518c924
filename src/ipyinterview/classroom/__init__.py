"""Classrooms: a roster of students, an assigned interview, a live grid, grades.

- :class:`Classroom`: reads and checks a roster, syncs the students as users,
  assigns an interview, and gives each student a room (a widget or a link).
- :class:`ClassroomGrid`: the live grid of progress and scores, with a
  gradebook export.
- :func:`read_roster` and :class:`RosterError`: the roster on its own.
"""

from __future__ import annotations

from .core import Assignment, Classroom, ClassroomError
from .grid import ClassroomGrid
from .roster import RosterError, Student, read_roster

__all__ = [
    "Assignment",
    "Classroom",
    "ClassroomError",
    "ClassroomGrid",
    "RosterError",
    "Student",
    "read_roster",
]
