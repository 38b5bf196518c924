"""The live grid: one row per student, refreshed by polling the service.

The poller is a daemon thread in the kernel. It reads only the sessions not
yet finished, backs off exponentially while the service fails, and stops when
every student has finished or the widget is closed. The widget's state holds
names, statuses and scores: never an API key, a user token or an email.
"""

from __future__ import annotations

import logging
import random
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import pandas as pd
import traitlets

from ..errors import IpyInterviewError
from .gradebook import gradebook_csv, skill_names

if TYPE_CHECKING:
    from .core import Classroom

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parents[1] / "static"

#: Longest wait between polls while the service keeps failing, in seconds.
MAX_BACKOFF = 60.0


def backoff_delay(interval: float, failures: int, *, jitter: float = 0.1) -> float:
    """Return the wait before the next poll: ``interval`` doubled per failure.

    Capped at :data:`MAX_BACKOFF`, with up to ``jitter`` (a fraction) added so
    many notebooks do not poll in step.
    """
    delay = min(interval * 2**failures, MAX_BACKOFF)
    return delay * (1 + random.uniform(0, jitter))


class ClassroomGrid(anywidget.AnyWidget):
    """A live table of the class: status, score and per-skill scores per student.

    Polling starts at once and stops when every assigned student has finished
    or the widget is closed (``grid.close()``). The Export button downloads
    the gradebook as CSV in the browser; :meth:`gradebook` returns it here.

    Args:
        classroom: the class to show.
        interval: seconds between polls while all goes well.
        autostart: start polling at once.
    """

    _esm = STATIC / "classroom.js"
    _css = STATIC / "classroom.css"

    rows = traitlets.List(traitlets.Dict()).tag(sync=True)
    """list[dict]: per student: key, name, status, score, verdict, skills."""
    skills = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """list[str]: the skill columns, in order of first appearance."""
    interview_id = traitlets.Unicode("").tag(sync=True)
    """str: the assigned interview ("" before assign)."""
    polling = traitlets.Bool(False).tag(sync=True)
    """bool: whether the poller is running."""
    error = traitlets.Unicode("").tag(sync=True)
    """str: the last polling error, in words ("" once polls succeed again)."""
    updated_at = traitlets.Unicode("").tag(sync=True)
    """str: ISO time of the last successful poll."""

    def __init__(
        self,
        classroom: Classroom,
        *,
        interval: float = 3.0,
        autostart: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.classroom = classroom
        self.interval = interval
        self.failures = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.on_msg(self._handle_message)
        self._show()
        if autostart:
            self.start()

    # Polling ---------------------------------------------------------------

    @property
    def finished(self) -> bool:
        """Return whether every assigned student has finished (and any are)."""
        rows = self.rows
        assigned = set(self.classroom.assignments)
        return bool(assigned) and all(
            row["status"] == "finished" for row in rows if row["key"] in assigned
        )

    def start(self) -> None:
        """Start polling in a background thread (no-op while it runs)."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self.polling = True
        self._thread = threading.Thread(
            target=self._poll, name="ipyinterview-classroom-grid", daemon=True
        )
        self._thread.start()

    def stop(self, *, timeout: float | None = 5.0) -> None:
        """Stop polling and wait up to ``timeout`` seconds for the thread."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        self.polling = False

    def close(self) -> None:
        """Stop polling and close the widget."""
        self.stop()
        super().close()

    def refresh(self) -> bool:
        """Poll once now; return whether every assigned student has finished.

        Raises:
            IpyInterviewError: the service could not be read for some student
                (the rows that could be read are updated).
        """
        with self._lock:
            failures = self.classroom.refresh()
            self._show()
        if failures:
            key, error = next(iter(failures.items()))
            raise IpyInterviewError(
                f"{len(failures)} session(s) could not be read ({key}: {error})"
            ) from error
        self.updated_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        return self.finished

    def _poll(self) -> None:
        while not self._stop.is_set():
            try:
                done = self.refresh()
            except IpyInterviewError as err:
                self.failures += 1
                delay = backoff_delay(self.interval, self.failures)
                self.error = f"{err}; retrying in {delay:.0f} s"
                logger.debug("grid poll failed (%d in a row): %s", self.failures, err)
            else:
                self.failures, self.error = 0, ""
                if done:
                    break
                delay = backoff_delay(self.interval, 0)
            self._stop.wait(delay)
        self.polling = False

    def _show(self) -> None:
        rows = self.classroom.rows()
        assignments = self.classroom.assignments.values()
        self.skills = skill_names(rows)
        self.rows = rows
        self.interview_id = next((a.interview_id for a in assignments), "")

    # Gradebook ---------------------------------------------------------------

    def gradebook(self) -> pd.DataFrame:
        """Return the gradebook of the grid as it is now (no new request)."""
        with self._lock:
            return self.classroom.gradebook(refresh=False)

    def gradebook_csv(self) -> str:
        """Return the gradebook as CSV text (what the Export button downloads)."""
        return gradebook_csv(self.gradebook())

    def _filename(self) -> str:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M")
        return f"gradebook-{self.interview_id or 'class'}-{stamp}.csv"

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("kind") != "export":
            return
        reply: dict[str, Any] = {"kind": "gradebook", "id": content.get("id")}
        try:
            reply.update(csv=self.gradebook_csv(), filename=self._filename())
        except (IpyInterviewError, ValueError) as err:
            logger.info("gradebook export failed: %s", err)
            reply["error"] = f"The gradebook could not be built: {err}"
        self.send(reply)


__all__ = ["ClassroomGrid", "backoff_delay"]
