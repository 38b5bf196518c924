"""The I/O-free core shared by :class:`Client` and :class:`AsyncClient`.

Everything that does not touch the network lives here: resolving settings,
building requests, deciding on retries and turning responses into models or
errors. The two clients only send.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import random
import uuid
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import httpx
import pydantic

from .. import _constants as C
from ..errors import (
    APIConnectionError,
    APIError,
    APIResponseError,
    APIStatusError,
    APITimeoutError,
    ConfigurationError,
    ValidationError,
    error_for_status,
)
from ..ledger import Ledger, record_quietly
from ..models import MODES, Catalogue, CreatedSession, User, WireModel
from ._settings import Settings, is_loopback, resolve_timeout, shared_ssl_context

logger = logging.getLogger("ipyinterview.client")

M = TypeVar("M", bound=WireModel)
_C = TypeVar("_C", bound="BaseClient")


@dataclass
class Request:
    """One API call to make: what to send and whether it may be repeated."""

    method: str
    path: str
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    retryable: bool = True


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


class BaseClient:
    """Settings and request building shared by both clients."""

    settings: Settings
    _http: Any
    _http_class: Any
    _own_pool: bool
    _ledger: Ledger | None
    #: Users this client created or synced, by token (kept in memory only), so
    #: the ledger can name a session's user.
    _users: dict[str, User]

    def _remember_user(self, user: User) -> User:
        if user.api is not None:
            self._users[user.api.token] = user
        return user

    def _record_session(self, created: CreatedSession, user_token: str) -> None:
        user = self._users.get(user_token)
        record_quietly(self._ledger, created, user=user, base_url=self.base_url)

    def _new_http(
        self, transport: Any = None, limits: httpx.Limits | None = None
    ) -> Any:
        return self._http_class(
            transport=transport,
            verify=shared_ssl_context(),
            trust_env=not is_loopback(self.settings.base_url),
            base_url=self.settings.base_url,
            headers=self._headers(),
            limits=limits or httpx.Limits(),
        )

    def _fetch_worker(self: _C) -> _C:
        """Return a copy with its own one-connection pool, for ``fetch_reports``.

        Many concurrent requests through one httpx pool cost more CPU each than
        the same requests spread over small pools.
        """
        if not self._own_pool:
            return self
        worker = copy.copy(self)
        worker._http = self._new_http(limits=httpx.Limits(max_connections=1))
        return worker

    def with_options(
        self: _C,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
    ) -> _C:
        """Return a copy of this client with other options, sharing its connections.

        ``client.with_options(timeout=120).wait_for_report(...)`` changes one call.
        """
        clone = copy.copy(self)
        changes: dict[str, Any] = {}
        if timeout is not None:
            changes["timeout"] = resolve_timeout(timeout)
        if max_retries is not None:
            if max_retries < 0:
                raise ConfigurationError("max_retries must be 0 or more")
            changes["max_retries"] = max_retries
        clone.settings = dataclasses.replace(self.settings, **changes)
        return clone

    def _headers(self) -> dict[str, str]:
        from .. import __version__

        return {
            "X-API-Key": self.settings.api_key,
            "Accept": "application/json",
            "User-Agent": f"ipyinterview/{__version__}",
        }

    @property
    def base_url(self) -> str:
        """Return the base URL of the service this client talks to."""
        return self.settings.base_url

    @property
    def is_local(self) -> bool:
        """Return whether this client uses the embedded local service."""
        return self.settings.local

    # Requests ------------------------------------------------------------

    @staticmethod
    def _catalogue_request() -> Request:
        return Request("GET", "/v1/ai-interviewer/catalogue")

    @staticmethod
    def _create_user_request(
        name: str,
        email: str,
        external_id: str | None,
        picture: str | None,
        thumbnail: str | None,
    ) -> Request:
        if not name or not email:
            raise ValidationError("a user needs a name and an email")
        body = {
            "name": name,
            "email": email,
            "externalId": external_id,
            "picture": picture,
            "thumbnail": thumbnail,
        }
        # Syncing a user is idempotent on the service (same externalId/email).
        return Request("POST", "/v1/users", json=_clean(body))

    @staticmethod
    def _set_plan_request(user_token: str, plan: str) -> Request:
        return Request(
            "PUT", "/v1/users/plan", json={"plan": plan}, headers=_user(user_token)
        )

    @staticmethod
    def _create_session_request(
        user_token: str,
        interview_id: str,
        persona_id: str,
        mode: str,
        grade: str | None,
        idempotency_key: str | None,
    ) -> Request:
        body = {
            "interviewId": interview_id,
            "personaId": persona_id,
            "mode": mode,
            "grade": grade,
        }
        headers = _user(user_token)
        headers["Idempotency-Key"] = idempotency_key or f"ipyinterview-{uuid.uuid4()}"
        return Request(
            "POST", "/v1/ai-interviewer/sessions", json=_clean(body), headers=headers
        )

    @staticmethod
    def _get_session_request(user_token: str, session_id: str) -> Request:
        if not session_id or "/" in session_id:
            raise ValidationError(f"{session_id!r} is not a session id")
        return Request(
            "GET",
            f"/v1/ai-interviewer/sessions/{session_id}",
            headers=_user(user_token),
        )

    # Retries and responses ---------------------------------------------

    def _retry_wait(
        self, request: Request, attempt: int, response: httpx.Response | None
    ) -> float | None:
        """Return the wait before a retry, or None when the call must not be retried."""
        if not request.retryable or attempt >= self.settings.max_retries:
            return None
        if response is not None and response.status_code not in C.RETRY_STATUSES:
            return None
        delay = self._retry_delay(attempt + 1, response)
        status = response.status_code if response is not None else "no response"
        logger.debug(
            "%s %s: %s, retry %d in %s s",
            request.method,
            request.path,
            status,
            attempt + 1,
            None if delay is None else round(delay, 2),
        )
        return delay

    @staticmethod
    def _transport_error(request: Request, err: httpx.TransportError) -> APIError:
        where = f"{request.method} {request.path}"
        if isinstance(err, httpx.TimeoutException):
            return APITimeoutError(
                f"{where} timed out ({type(err).__name__}); the service may be busy: "
                "retry, or raise timeout=",
                method=request.method,
                url=request.path,
            )
        return APIConnectionError(
            f"{where} could not reach the service ({err}); check base_url and that the "
            "service is running",
            method=request.method,
            url=request.path,
        )

    # Responses -----------------------------------------------------------

    @staticmethod
    def _retry_delay(attempt: int, response: httpx.Response | None) -> float | None:
        """Return how long to wait before retry ``attempt`` (1-based), or None."""
        if response is not None:
            after = _retry_after(response)
            if after is not None:
                return after if after <= C.MAX_RETRY_AFTER else None
        delay = min(C.INITIAL_RETRY_DELAY * 2 ** (attempt - 1), C.MAX_RETRY_DELAY)
        return delay * (0.75 + random.random() / 2)

    @staticmethod
    def _parse(response: httpx.Response, model: type[M], key: str | None = None) -> M:
        """Return the response as ``model``, or raise the error it carries."""
        request = response.request
        method, url = request.method, str(request.url.copy_with(query=None))
        try:
            body = response.json()
        except ValueError:
            body = None
        if response.is_error:
            raise _status_error(response, body, method, url)
        if not isinstance(body, dict):
            raise APIResponseError(
                f"the service answered {method} {url} with something that is not "
                f"a JSON object (HTTP {response.status_code}); check base_url",
                method=method,
                url=url,
            )
        document = body.get(key, body) if key else body
        try:
            return model.model_validate(document)
        except pydantic.ValidationError as err:
            raise APIResponseError(
                f"the service's answer to {method} {url} does not match the API: {err}",
                method=method,
                url=url,
            ) from err


def _user(user_token: str) -> dict[str, str]:
    if not user_token:
        raise ValidationError("user_token is required: the api.token of a synced user")
    return {"X-User-Token": user_token}


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import datetime, timezone

    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _status_error(
    response: httpx.Response, body: Any, method: str, url: str
) -> APIStatusError:
    code = body.get("code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    if not message:
        message = f"{method} {url} answered HTTP {response.status_code}"
    cls = error_for_status(response.status_code)
    return cls(
        str(message),
        status_code=response.status_code,
        code=code,
        body=body if body is not None else response.text,
        request_id=response.headers.get("x-request-id"),
        method=method,
        url=url,
    )


def fill_created(
    created: CreatedSession, persona_id: str, mode: str, grade: str | None
) -> CreatedSession:
    """Fill in what the create response leaves out but the request settled."""
    session = created.session
    session.persona_id = session.persona_id or persona_id
    session.mode = session.mode or mode
    session.grade = session.grade or grade
    return created


def validate_session_args(
    catalogue: Catalogue,
    interview_id: str,
    persona_id: str,
    mode: str,
    grade: str | None,
) -> None:
    """Check a session's arguments against the catalogue before spending credits.

    Raises:
        ValidationError: the interview, persona, mode or grade is not valid.
    """
    try:
        interview = catalogue.interview(interview_id)
    except KeyError as err:
        raise ValidationError(str(err.args[0])) from err
    personas = catalogue.persona_ids()
    if personas and persona_id not in personas:
        raise ValidationError(f"persona_id must be one of {', '.join(personas)}")
    if mode not in MODES:
        raise ValidationError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if not interview.grades and grade is not None:
        raise ValidationError(
            f"{interview_id!r} is not grade-adaptive; leave grade out"
        )
    if interview.grades:
        if grade is None:
            raise ValidationError(
                f"{interview_id!r} is grade-adaptive: pass grade=, one of "
                f"{', '.join(interview.grades)}"
            )
        if grade not in interview.grades:
            raise ValidationError(
                f"grade {grade!r} is not offered by {interview_id!r}; choose one of "
                f"{', '.join(interview.grades)}"
            )
