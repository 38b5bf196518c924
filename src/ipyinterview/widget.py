"""The notebook widget: pick an interview, sit it in the room, get the report.

The widget talks to the service only through its :class:`Client`, in the
kernel: the API key never reaches the browser or the saved notebook. The room
runs in an iframe; its lifecycle events are relayed by the front end as custom
messages with a sequence number, so two equal events in a row both arrive.
"""

from __future__ import annotations

import asyncio
import getpass
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .client import Client
from .errors import (
    APIConnectionError,
    AuthenticationError,
    InsufficientCreditsError,
    IpyInterviewError,
    QuotaExceededError,
)
from .models import CreatedSession, Session, User

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"

#: What the widget shows: the picker, a session being created, the room, the result.
STATUSES = ("picking", "starting", "active", "finished", "error")

EventCallback = Callable[[dict[str, Any]], Any]
ReportCallback = Callable[[Session], Any]


def explain(err: IpyInterviewError) -> str:
    """Return an error as the widget shows it: what happened and what to do next."""
    if isinstance(err, QuotaExceededError):
        when = err.resets_at
        resets = f" It resets at {when:%H:%M} UTC." if when else ""
        return (
            f"This user's daily interview quota is used up.{resets} "
            "Try again then, or give the user a bigger plan (Client.set_plan)."
        )
    if isinstance(err, InsufficientCreditsError):
        return "The API account has no credits left. Add credits to the account."
    if isinstance(err, APIConnectionError):
        return (
            f"The interview service cannot be reached ({err.message}). Check that it "
            "runs and that base_url is right, then try again."
        )
    if isinstance(err, AuthenticationError):
        return f"The service refused the credentials: {err.message}"
    return str(err)


def _default_user() -> dict[str, str]:
    login = getpass.getuser() or "notebook"
    return {
        "name": login,
        "email": f"{login}@localhost",
        "external_id": f"notebook:{login}",
    }


class InterviewRoom(anywidget.AnyWidget):
    """An interview in a notebook cell: catalogue picker, then the interview room.

    With no arguments it uses the embedded local service and a user named
    after your login. Pass ``interview=`` (and ``persona=``, ``mode=``,
    ``grade=``) to skip the picker and open the room at once::

        room = InterviewRoom()
        room.on_finished(lambda session: print(session.feedback.score))
        room

    Args:
        client: the API client; by default ``Client()`` (local service unless
            an API key is configured).
        user: the user to sync (a dict with name, email and optionally
            external_id), or a :class:`~ipyinterview.models.User`.
        user_token: the api.token of an already synced user, instead of ``user``.
        interview: an interview id to start at once.
        persona: interviewer persona id (maya, alex or leo).
        mode: ``"chat"`` or ``"voice"``.
        grade: the grade, for grade-adaptive interviews.
        height: CSS height of the room.
        clear_token_on_finish: drop the room URL, which holds the user token,
            from the widget's state once the interview is finished.
    """

    _esm = STATIC / "widget.js"
    _css = STATIC / "widget.css"

    catalogue = traitlets.Dict().tag(sync=True)
    """dict: the catalogue document (personas, tracks, interviews); sent once."""
    interview_id = traitlets.Unicode("").tag(sync=True)
    """str: the selected interview's id ("" before a choice)."""
    persona_id = traitlets.Unicode("maya").tag(sync=True)
    """str: the selected persona's id."""
    mode = traitlets.Unicode("chat").tag(sync=True)
    """str: "chat" or "voice"."""
    grade = traitlets.Unicode("").tag(sync=True)
    """str: the selected grade ("" for none)."""
    status = traitlets.Enum(STATUSES, default_value="picking").tag(sync=True)
    """str: picking, starting, active, finished or error."""
    session_id = traitlets.Unicode("").tag(sync=True)
    """str: the id of the current session ("" before Start)."""
    score = traitlets.Int(None, allow_none=True).tag(sync=True)
    """int | None: the report's score, once finished."""
    report = traitlets.Dict().tag(sync=True)
    """dict: score, verdict, skills, strengths and improvements, once finished."""
    error = traitlets.Unicode("").tag(sync=True)
    """str: the last error, in words, with what to do next."""
    height = traitlets.Unicode("640px").tag(sync=True)
    """str: CSS height of the room iframe."""
    load_timeout = traitlets.Float(8.0).tag(sync=True)
    """float: seconds to wait for the room to load before explaining why it may not."""

    def __init__(
        self,
        *,
        client: Client | None = None,
        user: dict[str, str] | User | None = None,
        user_token: str | None = None,
        interview: str | None = None,
        persona: str = "maya",
        mode: str = "chat",
        grade: str | None = None,
        height: str = "640px",
        clear_token_on_finish: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            persona_id=persona, mode=mode, grade=grade or "", height=height, **kwargs
        )
        self.client = client or Client()
        self.events: list[dict[str, Any]] = []
        self.session: Session | None = None
        self.clear_token_on_finish = clear_token_on_finish
        self._user = user
        self._user_token = user_token
        self._room_url = ""
        self._callbacks: dict[str, list[EventCallback]] = {}
        self._finished_callbacks: list[ReportCallback] = []
        self._waiters: list[asyncio.Future[Session]] = []
        self.on_msg(self._handle_message)
        try:
            self.catalogue = self.client.catalogue().to_wire()
        except IpyInterviewError as err:
            self.status, self.error = "error", explain(err)
        if interview is not None:
            self.interview_id = interview
            self.start()

    # Python API ----------------------------------------------------------

    @property
    def user_token(self) -> str:
        """Return the user token, syncing the user on first use."""
        if self._user_token is None:
            if isinstance(self._user, User):
                self._user_token = self._user.token
            else:
                fields = dict(self._user or _default_user())
                synced = self.client.create_user(
                    fields.pop("name"), fields.pop("email"), **fields
                )
                self._user_token = synced.token
        return self._user_token

    def start(self) -> None:
        """Create a session for the selected interview and open the room.

        Raises:
            ValidationError: nothing selected, or the selection is not valid
                (unknown persona or mode, grade missing); the message says which.
        """
        self.status, self.error = "starting", ""
        try:
            created = self.client.create_session(
                self.user_token,
                self.interview_id,
                persona_id=self.persona_id,
                mode=self.mode,
                grade=self.grade or None,
            )
        except IpyInterviewError as err:
            self.status, self.error = "picking", explain(err)
            raise
        self.open_session(created)
        logger.info("interview session %s started", self.session_id)

    def open_session(self, created: CreatedSession) -> None:
        """Show the room of a session created elsewhere (a classroom, your backend).

        The session must belong to this widget's user (``user_token``).
        """
        self.session = created.session
        self.events, self.score, self.report, self.error = [], None, {}, ""
        self.interview_id = created.session.interview_id or self.interview_id
        self.session_id = created.session.id
        self._room_url = created.room_url(self.user_token)
        self.status = "active"
        self._send_room()

    def on(self, action: str, callback: EventCallback, *, remove: bool = False) -> None:
        """Call ``callback(event)`` for each room event of ``action`` ("*" for all)."""
        callbacks = self._callbacks.setdefault(action, [])
        if remove:
            callbacks.remove(callback)
        elif callback not in callbacks:
            callbacks.append(callback)

    def on_finished(self, callback: ReportCallback, *, remove: bool = False) -> None:
        """Call ``callback(session)`` with the full report, fetched server-side."""
        if remove:
            self._finished_callbacks.remove(callback)
        elif callback not in self._finished_callbacks:
            self._finished_callbacks.append(callback)

    def finished(self) -> asyncio.Future[Session]:
        """Return an awaitable that resolves to the report once the interview ends.

        ``await room.finished()`` from a task or a later cell; it resolves at
        once when the interview has already finished.
        """
        future: asyncio.Future[Session] = asyncio.get_event_loop().create_future()
        if self.status == "finished" and self.session is not None:
            future.set_result(self.session)
        else:
            self._waiters.append(future)
        return future

    def _repr_html_(self) -> str | None:
        # In front ends without widgets: the report once finished.
        if self.status == "finished" and self.session is not None:
            from .display import report_html

            return report_html(self.session)
        return None

    @property
    def room_url(self) -> str:
        """Return the room's address, with the user token ("" once cleared).

        It reaches the browser only as a message to the displayed views, never
        as widget state, so a saved notebook does not hold the token.
        """
        return self._room_url

    def clear_token(self) -> None:
        """Forget the room URL (it carries the user token) in the kernel."""
        self._room_url = ""

    def _send_room(self) -> None:
        if self.status == "active" and self._room_url:
            self.send({"kind": "room", "url": self._room_url})

    # Messages from the front end -------------------------------------------

    def _handle_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("kind")
        if kind == "start":
            # A double click sends two starts; only the first opens a session.
            if self.status not in ("picking", "error"):
                return
            try:
                self.start()
            except IpyInterviewError as err:
                logger.info("could not start the interview: %s", err)
        elif kind == "open":
            # A view (new, or after a reload) asks for the room's address.
            self._send_room()
        elif kind == "refresh":
            # The page came back into view: the room may have finished elsewhere
            # (in a tab of its own).
            if self.status == "active" and self.session_id:
                self._refresh_quietly()
        elif kind == "back":
            self.clear_token()
            self.status, self.session_id, self.error = "picking", "", ""
        elif kind == "event" and isinstance(content.get("event"), dict):
            self._handle_event(content["event"], content.get("seq"))

    def _handle_event(self, event: dict[str, Any], seq: Any) -> None:
        event = {**event, "seq": seq}
        self.events.append(event)
        action = str(event.get("action"))
        logger.debug("room event %s (seq %s)", action, seq)
        ends = action in ("interviewFinished", "interviewAlreadyCompleted")
        if ends and event.get("sessionId") == self.session_id:
            self._finish()
        for callback in [
            *self._callbacks.get(action, ()),
            *self._callbacks.get("*", ()),
        ]:
            callback(event)

    def _finish(self) -> None:
        try:
            session = self.client.wait_for_report(
                self.user_token, self.session_id, timeout=30
            )
        except (IpyInterviewError, TimeoutError) as err:
            self.error = f"The report could not be fetched: {err}. Try room.refresh()."
            return
        self._show(session)

    def _refresh_quietly(self) -> None:
        try:
            self.refresh()
        except IpyInterviewError as err:
            logger.info("could not refresh the session: %s", err)

    def refresh(self) -> Session:
        """Fetch the current session again; show its report if it is completed."""
        session = self.client.get_session(self.user_token, self.session_id)
        if session.completed:
            self._show(session)
        return session

    def _show(self, session: Session) -> None:
        first = self.status != "finished"
        self.session = session
        feedback = session.feedback
        if feedback is not None:
            self.report = {
                "score": feedback.score,
                "verdict": feedback.verdict,
                "skills": [s.to_wire() for s in feedback.skills],
                "strengths": feedback.strengths,
                "improvements": feedback.improvements,
            }
        self.score = (
            session.score
            if session.score is not None
            else (feedback.score if feedback else None)
        )
        self.status = "finished"
        if self.clear_token_on_finish:
            self.clear_token()
        if first:
            for callback in list(self._finished_callbacks):
                callback(session)
            waiters, self._waiters = self._waiters, []
            for future in waiters:
                if not future.done():
                    future.get_loop().call_soon_threadsafe(future.set_result, session)
