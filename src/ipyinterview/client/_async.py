"""The asynchronous client: the same methods as :class:`Client`, awaited."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Iterable
from typing import Any, TypeVar

import httpx

from ..errors import APIConnectionError, APIError, ValidationError
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


class AsyncClient(BaseClient):
    """The asynchronous twin of :class:`ipyinterview.Client`.

    Same arguments and methods; each method is a coroutine. Create it inside
    the event loop that uses it (in a notebook, the kernel's loop)::

        async with AsyncClient() as client:
            catalogue = await client.catalogue()
    """

    _http_class = httpx.AsyncClient

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
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

    async def aclose(self) -> None:
        """Close the connections of this client."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self.base_url!r})"

    async def _request(self, request: Request) -> httpx.Response:
        try:
            return await self._http.request(
                request.method,
                request.path,
                json=request.json,
                headers=request.headers,
                timeout=self.settings.timeout,
            )
        except RuntimeError as err:
            if "closed" not in str(err).lower():
                raise
            raise APIConnectionError(
                "this AsyncClient was used after its event loop closed (or after "
                "aclose()); create the AsyncClient inside the loop that awaits it",
                method=request.method,
                url=request.path,
            ) from err

    async def _send(
        self, request: Request, model: type[M], key: str | None = None
    ) -> M:
        attempt = 0
        while True:
            try:
                response = await self._request(request)
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
            await asyncio.sleep(wait)
            attempt += 1

    async def catalogue(self, *, refresh: bool = False) -> Catalogue:
        """Return the catalogue (fetched once per client unless ``refresh``)."""
        if self._catalogue is None or refresh:
            self._catalogue = await self._send(self._catalogue_request(), Catalogue)
        return self._catalogue

    async def create_user(
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
        return self._remember_user(await self._send(request, User, "user"))

    async def set_plan(self, user_token: str, plan: str) -> User:
        """Assign a plan (its daily interview quota) to the user of ``user_token``."""
        return await self._send(self._set_plan_request(user_token, plan), User, "user")

    async def create_session(
        self,
        user_token: str,
        interview_id: str,
        *,
        persona_id: str = "maya",
        mode: str = "voice",
        grade: str | None = None,
        idempotency_key: str | None = None,
    ) -> CreatedSession:
        """Start an interview session (see :meth:`Client.create_session`)."""
        catalogue = await self.catalogue()
        validate_session_args(catalogue, interview_id, persona_id, mode, grade)
        request = self._create_session_request(
            user_token, interview_id, persona_id, mode, grade, idempotency_key
        )
        created = await self._send(request, CreatedSession)
        created = fill_created(created, persona_id, mode, grade)
        self._record_session(created, user_token)  # the session ledger
        return created

    async def get_session(self, user_token: str, session_id: str) -> Session:
        """Return the session, with its report once completed."""
        request = self._get_session_request(user_token, session_id)
        return await self._send(request, Session, "session")

    async def fetch_reports(
        self,
        sessions: Iterable[str | tuple[str, str]],
        *,
        user_token: str | None = None,
        concurrency: int = 16,
        progress: bool = True,
    ) -> list[FetchResult]:
        """Read many sessions concurrently (see :meth:`Client.fetch_reports`)."""
        pairs = fetch_pairs(sessions, user_token)
        results = [FetchResult(session_id) for _, session_id in pairs]
        todo = list(range(len(pairs)))[::-1]

        async def drain(worker: AsyncClient, bar: Any) -> None:
            try:
                while todo:
                    index = todo.pop()
                    token, session_id = pairs[index]
                    try:
                        results[index].session = await worker.get_session(
                            token, session_id
                        )
                    except (APIError, ValidationError) as err:
                        results[index].error = err
                    bar.update()
            finally:
                if worker is not self:
                    await worker.aclose()

        workers = max(1, min(concurrency, len(pairs)))
        with progress_bar(len(pairs), progress, "sessions") as bar:
            await asyncio.gather(
                *(drain(self._fetch_worker(), bar) for _ in range(workers))
            )
        return results

    async def wait_for_report(
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
            session = await self.get_session(user_token, session_id)
            if session.completed:
                return session
            if time.monotonic() + delay > deadline:
                raise TimeoutError(
                    f"session {session_id} was not completed within {timeout:g} s; "
                    "wait longer (timeout=...) or check that the interview was finished"
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
