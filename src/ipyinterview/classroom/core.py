"""A class of students: roster → users → an assigned interview → rooms and grades."""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..client import Client
from ..client._base import validate_session_args
from ..errors import APIError, IpyInterviewError
from ..models import CreatedSession, Session, User
from .gradebook import gradebook_frame, grid_row
from .roster import RosterInput, Student, read_roster

if TYPE_CHECKING:
    from ..widget import InterviewRoom
    from .grid import ClassroomGrid

logger = logging.getLogger(__name__)


class ClassroomError(IpyInterviewError):
    """Raised when some students could not be synced or assigned.

    ``failures`` maps each such student's external id to its error. The
    others are kept: call the same method again to retry only the failed ones.
    """

    def __init__(self, what: str, failures: dict[str, IpyInterviewError]) -> None:
        self.failures = failures
        lines = "\n".join(f"  - {key}: {error}" for key, error in failures.items())
        super().__init__(
            f"{len(failures)} student(s) could not be {what}; the others are kept. "
            f"Fix the cause and call it again to retry only these:\n{lines}"
        )


@dataclass(frozen=True)
class Assignment:
    """A student's session of the assigned interview.

    The user token stays out of its repr; :meth:`room_url` adds it to the
    room's address for handing out.
    """

    student: Student
    interview_id: str
    persona: str
    mode: str
    grade: str | None
    created: CreatedSession = field(repr=False)
    user_token: str = field(repr=False)

    @property
    def session_id(self) -> str:
        """Return the id of the student's session."""
        return self.created.session.id

    def room_url(self) -> str:
        """Return the room's address for this student (it carries their token)."""
        return self.created.room_url(self.user_token)


class Classroom:
    """A class of students sitting one interview, for a teacher in a notebook.

    The roster is read and checked at once (a :class:`RosterError` lists every
    problem); nothing is sent to the service before :meth:`sync` or
    :meth:`assign`::

        classroom = Classroom("roster.csv")
        classroom.assign("beh-1", persona="maya", mode="chat")
        classroom.grid()            # live progress, scores, gradebook export

    Args:
        roster: a DataFrame, a CSV path or a list of dicts with the columns
            name, email and external_id.
        client: the API client; by default ``Client()``.
    """

    def __init__(self, roster: RosterInput, *, client: Client | None = None) -> None:
        self.students: list[Student] = read_roster(roster)
        self.client = client or Client()
        self.users: dict[str, User] = {}
        self.assignments: dict[str, Assignment] = {}
        self.sessions: dict[str, Session] = {}
        self._opened: set[str] = set()
        self._rooms: dict[str, InterviewRoom] = {}
        self._lock = threading.Lock()
        # Idempotency keys derive from it: a retried assign reuses its sessions.
        self._id = uuid.uuid4().hex

    def __repr__(self) -> str:
        return (
            f"Classroom({len(self.students)} students, "
            f"{len(self.assignments)} assigned)"
        )

    def _student(self, student: str | Student) -> Student:
        key = student.external_id if isinstance(student, Student) else student
        for known in self.students:
            if known.external_id == key:
                return known
        raise KeyError(f"no student with external id {key!r} in the roster")

    def sync(self) -> list[User]:
        """Sync every student as a user of the service; safe to run again.

        The service keys users by external id, so a second run (or a second
        classroom from the same roster) gives the same users.

        Raises:
            ClassroomError: some students could not be synced; the rest are.
        """
        failures: dict[str, IpyInterviewError] = {}
        for student in self.students:
            try:
                self.users[student.external_id] = self.client.create_user(
                    student.name, student.email, external_id=student.external_id
                )
            except APIError as err:
                failures[student.external_id] = err
        if failures:
            raise ClassroomError("synced", failures)
        logger.info("synced %d students", len(self.students))
        return [self.users[s.external_id] for s in self.students]

    def assign(
        self,
        interview: str,
        *,
        persona: str = "maya",
        mode: str = "chat",
        grade: str | None = None,
    ) -> list[Assignment]:
        """Give every student a session of ``interview``; safe to run again.

        The choice is checked against the catalogue before any user is synced
        or any credit spent. Students who already hold this assignment keep
        their session; the others get one.

        Returns:
            The assignments, in roster order.

        Raises:
            ValidationError: unknown interview, persona or mode; a grade missing
                or not offered. Nothing was sent.
            ClassroomError: some sessions could not be created (quota, credits);
                the created ones are kept and a new call retries the rest.
        """
        validate_session_args(self.client.catalogue(), interview, persona, mode, grade)
        if len(self.users) < len(self.students):
            self.sync()

        spec = (interview, persona, mode, grade)
        failures: dict[str, IpyInterviewError] = {}
        for student in self.students:
            current = self.assignments.get(student.external_id)
            if current and spec == (
                current.interview_id,
                current.persona,
                current.mode,
                current.grade,
            ):
                continue
            try:
                self._assign(student, *spec)
            except APIError as err:
                failures[student.external_id] = err
        if failures:
            raise ClassroomError("assigned", failures)
        logger.info("assigned %s to %d students", interview, len(self.students))
        return [self.assignments[s.external_id] for s in self.students]

    def _assign(
        self, student: Student, interview: str, persona: str, mode: str, grade: Any
    ) -> None:
        token = self.users[student.external_id].token
        digest = hashlib.sha256(
            repr(
                (self._id, student.external_id, interview, persona, mode, grade)
            ).encode()
        ).hexdigest()[:32]
        created = self.client.create_session(
            token,
            interview,
            persona_id=persona,
            mode=mode,
            grade=grade,
            idempotency_key=f"classroom-{digest}",
        )
        with self._lock:
            self.assignments[student.external_id] = Assignment(
                student, interview, persona, mode, grade, created, token
            )
            self.sessions[student.external_id] = created.session
            self._rooms.pop(student.external_id, None)

    def links(self) -> pd.DataFrame:
        """Return each assigned student's room address, to hand out.

        The ``room_url`` column carries each student's token: share each
        link with its student only, and keep it out of saved notebooks.
        """
        rows = [
            {
                "name": a.student.name,
                "email": a.student.email,
                "external_id": a.student.external_id,
                "session_id": a.session_id,
                "room_url": a.room_url(),
            }
            for a in (self.assignments.get(s.external_id) for s in self.students)
            if a is not None
        ]
        columns = ["name", "email", "external_id", "session_id", "room_url"]
        return pd.DataFrame(rows, columns=columns).astype("string")

    def room(self, student: str | Student) -> InterviewRoom:
        """Return the interview room widget of a student's assigned session.

        Raises:
            KeyError: no such student, or the student has no assignment yet.
        """
        from .rooms import open_room

        student = self._student(student)
        assignment = self.assignments.get(student.external_id)
        if assignment is None:
            raise KeyError(f"{student.external_id!r} has no assignment; assign() first")
        if student.external_id not in self._rooms:
            self._rooms[student.external_id] = open_room(
                self.client, assignment, on_opened=self._mark_opened
            )
        return self._rooms[student.external_id]

    def rooms(self) -> dict[str, InterviewRoom]:
        """Return a room widget per assigned student, by external id."""
        return {key: self.room(key) for key in self.assignments}

    def _mark_opened(self, session_id: str) -> None:
        with self._lock:
            self._opened.add(session_id)

    def refresh(self) -> dict[str, Exception]:
        """Fetch the sessions not yet finished; return the failures by external id."""
        pending = [
            a
            for key, a in self.assignments.items()
            if not (key in self.sessions and self.sessions[key].completed)
        ]
        if not pending:
            return {}
        results = self.client.fetch_reports(
            [(a.user_token, a.session_id) for a in pending],
            concurrency=8,
            progress=False,
        )
        failures: dict[str, Exception] = {}
        with self._lock:
            for assignment, result in zip(pending, results, strict=True):
                key = assignment.student.external_id
                if result.session is not None:
                    self.sessions[key] = result.session
                elif result.error is not None:
                    failures[key] = result.error
        return failures

    def rows(self) -> list[dict[str, Any]]:
        """Return one grid row per student, from the sessions fetched so far."""
        with self._lock:
            return [
                grid_row(
                    s,
                    self.sessions.get(s.external_id),
                    opened=s.external_id in self.assignments
                    and self.assignments[s.external_id].session_id in self._opened,
                )
                for s in self.students
            ]

    def gradebook(self, *, refresh: bool = True) -> pd.DataFrame:
        """Return the gradebook (see :mod:`.gradebook`), fetching sessions first."""
        if refresh:
            self.refresh()
        return gradebook_frame(self.students, self.rows(), dict(self.sessions))

    def grid(self, **kwargs: Any) -> ClassroomGrid:
        """Return a live grid of the class (see :class:`ClassroomGrid`)."""
        from .grid import ClassroomGrid

        return ClassroomGrid(self, **kwargs)


__all__ = ["Assignment", "Classroom", "ClassroomError"]
