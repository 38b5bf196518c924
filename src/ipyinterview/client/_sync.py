"""The synchronous client."""

from __future__ import annotations

import logging
import os
import queue
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from ..errors import APIError, ValidationError
from ..ledger import Ledger, resolve_ledger
from ..models import Catalogue, CreatedSession, Session, User, WireModel
from ._base import (
    BaseClient,
    Request,
    fill_created,
    validate_session_args,
)
from ._fetch import FetchResult, fetch_pairs, progress_bar
from ._settings import resolve_settings

logger = logging.getLogger("ipyinterview.client")
M = TypeVar("M", bound=WireModel)


class Client(BaseClient):
    """A client of the AI-interviewer API.

    With no API key (argument or IPYINTERVIEW_API_KEY) and no base URL, it uses
    the embedded local service, started in the background on 127.0.0.1. With a
    key it uses the hosted service, or ``base_url`` when given::

        client = Client()                                   # offline, local
        client = Client(api_key=key, base_url="https://onecompiler.com")

    Args:
        api_key: the API account's key (never logged or sent to the browser).
        base_url: the service's address.
        timeout: seconds, or an ``httpx.Timeout`` (default 30 s, 5 s to connect).
        max_retries: retries of a call that failed in a way worth retrying.
        http_client: an ``httpx.Client`` to send with (its base URL is replaced).
        transport: an httpx transport, for tests and proxies.
        ledger: where to record each created session (see
            :mod:`ipyinterview.ledger`): a :class:`~ipyinterview.ledger.Ledger`
            or a path; ``False`` records nothing; by default the ledger the
            environment configures (``IPYINTERVIEW_LEDGER``).
    """

    _http_class = httpx.Client

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        ledger: Ledger | str | os.PathLike[str] | bool | None = None,
    ) -> None:
        self.settings = resolve_settings(api_key, base_url, timeout, max_retries)
        # Only connections this client made itself may be multiplied for fetches.
        self._own_pool = http_client is None and transport is None
        self._http = http_client or self._new_http(transport)
        self._http.base_url = httpx.URL(self.settings.base_url)
        self._http.headers.update(self._headers())
        self._catalogue: Catalogue | None = None
        self._ledger = resolve_ledger(ledger)
        self._users = {}

    def close(self) -> None:
        """Close the connections of this client."""
        self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r})"

    def _send(self, request: Request, model: type[M], key: str | None = None) -> M:
        attempt = 0
        while True:
            response: httpx.Response | None = None
            try:
                response = self._http.request(
                    request.method,
                    request.path,
                    json=request.json,
                    headers=request.headers,
                    timeout=self.settings.timeout,
                )
                logger.debug(
                    "%s %s -> %d", request.method, request.path, response.status_code
                )
            except httpx.TransportError as err:
                error: APIError = self._transport_error(request, err)
                wait = self._retry_wait(request, attempt, None)
                if wait is None:
                    raise error from err
            else:
                wait = self._retry_wait(request, attempt, response)
                if wait is None:
                    return self._parse(response, model, key)
            time.sleep(wait)
            attempt += 1

    def catalogue(self, *, refresh: bool = False) -> Catalogue:
        """Return the catalogue: personas, tracks and interviews per track.

        It is fetched once per client; ``refresh=True`` fetches it again.
        """
        if self._catalogue is None or refresh:
            self._catalogue = self._send(self._catalogue_request(), Catalogue)
        return self._catalogue

    def create_user(
        self,
        name: str,
        email: str,
        *,
        external_id: str | None = None,
        picture: str | None = None,
        thumbnail: str | None = None,
    ) -> User:
        """Sync a user of your application; the same external id gives the same user."""
        request = self._create_user_request(
            name, email, external_id, picture, thumbnail
        )
        return self._remember_user(self._send(request, User, "user"))

    def set_plan(self, user_token: str, plan: str) -> User:
        """Assign a plan (its daily interview quota) to the user of ``user_token``."""
        return self._send(self._set_plan_request(user_token, plan), User, "user")

    def create_session(
        self,
        user_token: str,
        interview_id: str,
        *,
        persona_id: str = "maya",
        mode: str = "voice",
        grade: str | None = None,
        idempotency_key: str | None = None,
    ) -> CreatedSession:
        """Start an interview session for the user.

        The arguments are checked against the catalogue first, so a wrong id or
        grade costs no credits. A retried create carries the same idempotency
        key and so never creates a second session.

        Raises:
            ValidationError: unknown interview, persona or mode; a grade missing
                or not offered by the interview.
        """
        validate_session_args(self.catalogue(), interview_id, persona_id, mode, grade)
        request = self._create_session_request(
            user_token, interview_id, persona_id, mode, grade, idempotency_key
        )
        created = self._send(request, CreatedSession)
        created = fill_created(created, persona_id, mode, grade)
        self._record_session(created, user_token)  # the session ledger
        return created

    def get_session(self, user_token: str, session_id: str) -> Session:
        """Return the session, with its report once completed."""
        return self._send(
            self._get_session_request(user_token, session_id), Session, "session"
        )

    def fetch_reports(
        self,
        sessions: Iterable[str | tuple[str, str]],
        *,
        user_token: str | None = None,
        concurrency: int = 16,
        progress: bool = True,
    ) -> list[FetchResult]:
        """Read many sessions concurrently, in input order, failures kept per item.

        Args:
            sessions: session ids (with ``user_token``) or (user_token, session_id)
                pairs.
            user_token: the token for bare session ids.
            concurrency: requests in flight at once.
            progress: show a tqdm progress bar.

        Returns:
            One :class:`FetchResult` per input, in the same order; a failed read
            holds its error and the others are unaffected.
        """
        pairs = fetch_pairs(sessions, user_token)
        results = [FetchResult(session_id) for _, session_id in pairs]
        todo: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in range(len(pairs)):
            todo.put(index)

        def drain(worker: Client, bar: Any) -> None:
            try:
                while True:
                    try:
                        index = todo.get_nowait()
                    except queue.Empty:
                        return
                    token, session_id = pairs[index]
                    try:
                        results[index].session = worker.get_session(token, session_id)
                    except (APIError, ValidationError) as err:
                        results[index].error = err
                    bar.update()
            finally:
                if worker is not self:
                    worker.close()

        workers = max(1, min(concurrency, len(pairs)))
        with (
            progress_bar(len(pairs), progress, "sessions") as bar,
            ThreadPoolExecutor(max_workers=workers) as pool,
        ):
            for _ in [
                pool.submit(drain, self._fetch_worker(), bar) for _ in range(workers)
            ]:
                _.result()
        return results

    def wait_for_report(
        self, user_token: str, session_id: str, *, timeout: float = 300.0
    ) -> Session:
        """Poll the session until it is completed and return it.

        Raises:
            TimeoutError: the session was not completed within ``timeout`` seconds.
        """
        if timeout <= 0:
            raise ValidationError("timeout must be a positive number of seconds")
        deadline = time.monotonic() + timeout
        delay = 0.25
        while True:
            session = self.get_session(user_token, session_id)
            if session.completed:
                return session
            if time.monotonic() + delay > deadline:
                raise TimeoutError(
                    f"session {session_id} was not completed within {timeout:g} s; "
                    "wait longer (timeout=...) or check that the interview was finished"
                )
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


__all__ = ["Client"]
