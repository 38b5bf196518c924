"""The :class:`Cohort`: many sessions' reports as frames, statistics and exports."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .. import frames
from ..errors import IpyInterviewError, ValidationError
from ..ledger import Ledger, LedgerEntry
from ..models import Catalogue
from . import export, plots, stats

if TYPE_CHECKING:
    from ..client import Client, FetchResult

logger = logging.getLogger(__name__)

#: Tokens for a re-pull: by user id or external id, or a function of the entry.
Tokens = Mapping[str, str] | Callable[[LedgerEntry], "str | None"]


class Cohort:
    """The reports of many sessions, as tidy frames with statistics and exports.

    Build one with :meth:`from_sessions`, :meth:`from_ledger`,
    :meth:`from_reports` or :meth:`from_dataset`::

        cohort = Cohort.from_ledger(client, tokens)
        cohort.skill_summary()
        cohort.compare("persona_id")

    Attributes:
        sessions: one row per session (:data:`frames.SESSIONS_SCHEMA`).
        skills: one row per session and skill.
        questions: one row per session and question.
        feedback: one row per strength or improvement.
        failures: the sessions that could not be read, with why.
    """

    def __init__(
        self, built: frames.Frames, *, failures: Iterable[FetchResult] = ()
    ) -> None:
        self.sessions, self.skills, self.questions, self.feedback = built
        self.failures = list(failures)

    def __repr__(self) -> str:
        done = int((self.sessions["status"] == "completed").sum())
        return (
            f"<Cohort: {len(self.sessions)} sessions ({done} completed), "
            f"{self.sessions['user_id'].nunique()} users, "
            f"{len(self.failures)} failed reads>"
        )

    def __len__(self) -> int:
        return len(self.sessions)

    @classmethod
    def from_reports(
        cls,
        reports: Iterable[frames.SessionLike],
        *,
        catalogue: Catalogue | None = None,
        users: Mapping[str, frames.UserLike] | None = None,
    ) -> Cohort:
        """Build a cohort from sessions already read (see ``frames.build_frames``)."""
        return cls(frames.build_frames(reports, catalogue=catalogue, users=users))

    @classmethod
    def from_sessions(
        cls,
        client: Client,
        sessions: Iterable[str | tuple[str, str]],
        *,
        user_token: str | None = None,
        users: Mapping[str, frames.UserLike] | None = None,
        concurrency: int = 16,
        progress: bool = True,
    ) -> Cohort:
        """Read the sessions concurrently through the client and build the cohort.

        Args:
            client: the client to read with.
            sessions: session ids (with ``user_token``) or (user token, session
                id) pairs, as :meth:`Client.fetch_reports` takes them.
            user_token: the token of bare session ids.
            users: who each user is, by user id; users this client created or
                synced are known already.
            concurrency: reads in flight at once.
            progress: show a progress bar.

        Returns:
            The cohort; sessions that could not be read are in ``failures``.
        """
        results = client.fetch_reports(
            sessions, user_token=user_token, concurrency=concurrency, progress=progress
        )
        return cls._from_results(client, results, users)

    @classmethod
    def _from_results(
        cls,
        client: Client,
        results: list[FetchResult],
        users: Mapping[str, frames.UserLike] | None,
    ) -> Cohort:
        known: dict[str, frames.UserLike] = {
            u.id: u for u in client._users.values() if u.id
        }
        known.update(users or {})
        read = [r.session for r in results if r.session is not None]
        failed = [r for r in results if not r.ok]
        if failed and not read:
            raise failed[0].error or IpyInterviewError("no session could be read")
        if failed:
            # Not silent: a cohort missing sessions skews every statistic.
            warnings.warn(
                f"{len(failed)} of {len(results)} sessions could not be read "
                f"(first: {failed[0].session_id}: {failed[0].error}); "
                "see cohort.failures",
                stacklevel=3,
            )
        built = frames.build_frames(read, catalogue=client.catalogue(), users=known)
        return cls(built, failures=failed)

    @classmethod
    def from_ledger(
        cls,
        client: Client,
        tokens: Tokens,
        *,
        ledger: Ledger | str | os.PathLike[str] | None = None,
        interview_id: str | None = None,
        since: datetime | None = None,
        all_services: bool = False,
        concurrency: int = 16,
        progress: bool = True,
    ) -> Cohort:
        """Pull again every session the ledger recorded.

        The ledger holds no tokens (see :mod:`ipyinterview.ledger`): ``tokens``
        supplies them, by user id or external id, or as a function of the
        entry. A session whose user has no token is listed in ``failures``.

        Args:
            client: the client to read with.
            tokens: user tokens by user id or external id, or a function.
            ledger: the ledger or its path; by default the configured one.
            interview_id: only sessions of this interview.
            since: only sessions created since then.
            all_services: also sessions recorded for other base URLs than the
                client's.
            concurrency: reads in flight at once.
            progress: show a progress bar.
        """
        book = ledger if isinstance(ledger, Ledger) else Ledger(ledger)
        base_url = None if all_services else client.base_url
        entries = book.entries(
            base_url=base_url, interview_id=interview_id, since=since
        )
        pairs, missing = [], []
        for entry in entries:
            token = _token(tokens, entry)
            if token is None:
                missing.append(entry.session_id)
            else:
                pairs.append((token, entry.session_id))
        results = client.fetch_reports(
            pairs, concurrency=concurrency, progress=progress
        )
        from ..client import FetchResult

        for session_id in missing:
            error = ValidationError(
                f"no token for the user of session {session_id}: add it to tokens"
            )
            results.append(FetchResult(session_id, error=error))
        users = {e.user_id: _entry_user(e) for e in entries if e.user_id}
        return cls._from_results(client, results, users)

    @classmethod
    def from_dataset(cls, path: str | Path) -> Cohort:
        """Load a cohort saved with :meth:`to_dataset`."""
        tables = export.read_dataset(path)
        return cls(frames.Frames(**tables))

    def _tables(self) -> dict[str, pd.DataFrame]:
        return {
            "sessions": self.sessions,
            "skills": self.skills,
            "questions": self.questions,
            "feedback": self.feedback,
        }

    def skill_summary(self, *, level: float = 0.95) -> pd.DataFrame:
        """Return n, mean, median, std and a confidence interval per skill."""
        return stats.skill_summary(self.skills, level=level)

    def student_skill_matrix(
        self, *, student: str = "user_id", how: stats.How = "mean"
    ) -> pd.DataFrame:
        """Return one row per student, one column per skill (see :mod:`.stats`)."""
        return stats.student_skill_matrix(
            self.sessions, self.skills, student=student, how=how
        )

    def compare(
        self,
        by: str,
        *,
        skill: str | None = None,
        reference: object | None = None,
        level: float = 0.95,
    ) -> pd.DataFrame:
        """Compare scores across the groups of a session column, with effect sizes.

        Args:
            by: a sessions column: ``persona_id``, ``mode``, ``grade``,
                ``interview_id``, ``track`` or any other.
            skill: compare this skill's scores instead of the session scores.
            reference: the group the others are compared with (default: each
                group against the rest).
            level: the confidence level.

        Returns:
            See :func:`stats.compare`.
        """
        frame = self.sessions
        if skill is not None:
            frame = stats.with_sessions(
                self.sessions, self.skills[self.skills["skill"] == skill], [by]
            )
        return stats.compare(frame, by, reference=reference, level=level)

    def learning_curves(
        self,
        *,
        student: str = "user_id",
        skill: str | None = None,
        interview_id: str | None = None,
    ) -> pd.DataFrame:
        """Return each student's attempts in order (see ``stats.learning_curves``)."""
        return stats.learning_curves(
            self.sessions,
            self.skills,
            student=student,
            skill=skill,
            interview_id=interview_id,
        )

    def to_dataset(
        self,
        path: str | Path,
        *,
        salt: str | bytes | None = None,
        overwrite: bool = False,
    ) -> Path:
        """Write the cohort as a partitioned Parquet dataset (see :mod:`.export`)."""
        return export.write_dataset(
            self._tables(), path, salt=salt, overwrite=overwrite
        )

    def gradebook(
        self,
        path: str | Path | None = None,
        *,
        format: export.Format = "canvas",
        skills: bool = False,
        how: stats.How = "best",
        salt: str | bytes | None = None,
    ) -> pd.DataFrame:
        """Return the gradebook, and write it as CSV to ``path`` when given.

        See :func:`export.gradebook` for the formats; ``skills=True`` adds a
        column per interview and skill.
        """
        book = export.gradebook(
            self.sessions,
            self.skills if skills else None,
            format=format,
            how=how,
            salt=salt,
        )
        if path is not None:
            book.to_csv(path, index=False)
        return book

    def plot_skills(self, **kwargs: Any) -> Any:
        """Plot the score distribution of each skill, as boxes and dots."""
        return plots.skill_distributions(self.skills, **kwargs)

    def plot_heatmap(self, **kwargs: Any) -> Any:
        """Plot the student x skill matrix as a heatmap."""
        return plots.heatmap(self.student_skill_matrix(), **kwargs)

    def plot_comparison(
        self, by: str, *, skill: str | None = None, **kwargs: Any
    ) -> Any:
        """Plot the mean score of each group of ``by`` with its interval."""
        return plots.comparison(self.compare(by, skill=skill), **kwargs)

    def plot_learning_curves(self, **kwargs: Any) -> Any:
        """Plot each student's scores by attempt and the mean curve."""
        return plots.learning_curves(self.learning_curves(), **kwargs)


def _token(tokens: Tokens, entry: LedgerEntry) -> str | None:
    if callable(tokens):
        return tokens(entry)
    for key in (entry.user_id, entry.user_external_id):
        if key is not None and key in tokens:
            return tokens[key]
    return None


def _entry_user(entry: LedgerEntry) -> dict[str, str | None]:
    return {"external_id": entry.user_external_id, "name": entry.user_name}
