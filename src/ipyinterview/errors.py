"""The errors ipyinterview raises.

::

    IpyInterviewError
    ├── ConfigurationError        settings missing or contradictory
    ├── ValidationError           a call's arguments are wrong (nothing was sent)
    └── APIError                  the service could not answer as asked
        ├── APIConnectionError    the service could not be reached
        │   └── APITimeoutError   it did not answer in time
        ├── APIResponseError      it answered something that is not the API
        └── APIStatusError        it answered an error status
            ├── BadRequestError           400
            ├── AuthenticationError       401
            ├── InsufficientCreditsError  402
            ├── PermissionDeniedError     403
            ├── NotFoundError             404
            ├── ConflictError             409
            ├── QuotaExceededError        429 (quota: has ``resets_at``)
            └── ServerError               5xx
"""

from __future__ import annotations

from datetime import datetime
from typing import Any


class IpyInterviewError(Exception):
    """Base of every error this package raises."""


class ConfigurationError(IpyInterviewError):
    """Raised when settings (API key, base URL) are missing or contradictory."""


class ValidationError(IpyInterviewError, ValueError):
    """Raised before any request when a call's arguments cannot be right."""


class APIError(IpyInterviewError):
    """Raised when the service could not answer a request as asked."""

    def __init__(
        self, message: str, *, method: str | None = None, url: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url


class APIConnectionError(APIError):
    """Raised when the service cannot be reached (refused, DNS, TLS...)."""


class APITimeoutError(APIConnectionError):
    """Raised when the service does not answer within the timeout."""


class APIResponseError(APIError):
    """Raised when the service answers something that is not the API's JSON."""


class APIStatusError(APIError):
    """Raised when the service answers an error status.

    Attributes:
        status_code: the HTTP status.
        code: the service's machine code (``quota_exceeded``...), if any.
        body: the decoded response body (or its text).
        request_id: the response's request id header, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        body: Any = None,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url)
        self.status_code = status_code
        self.code = code
        self.body = body
        self.request_id = request_id

    def __str__(self) -> str:
        code = f" {self.code}" if self.code else ""
        return f"{self.status_code}{code}: {self.message}"


class BadRequestError(APIStatusError):
    """Raised on 400: the request is malformed or names something unknown."""


class AuthenticationError(APIStatusError):
    """Raised on 401: the API key or user token is missing or wrong."""


class InsufficientCreditsError(APIStatusError):
    """Raised on 402: the API account has run out of credits."""


class PermissionDeniedError(APIStatusError):
    """Raised on 403: the user token belongs to another API account."""


class NotFoundError(APIStatusError):
    """Raised on 404: no such interview or session (for this user)."""


class ConflictError(APIStatusError):
    """Raised on 409: the request conflicts with the resource's state."""


class QuotaExceededError(APIStatusError):
    """Raised on 429: the user's daily quota (or the rate limit) is used up.

    Attributes:
        resets_at: when the quota resets, if the service said.
    """

    @property
    def resets_at(self) -> datetime | None:
        """Return when the quota resets, if the service said."""
        value = self.body.get("resetsAt") if isinstance(self.body, dict) else None
        if not value:
            return None
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


class ServerError(APIStatusError):
    """Raised on 5xx: the service failed; retrying later may work."""


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    402: InsufficientCreditsError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: BadRequestError,
    422: BadRequestError,
    429: QuotaExceededError,
}


def error_for_status(status_code: int) -> type[APIStatusError]:
    """Return the error class raised for an HTTP error status."""
    if status_code >= 500:
        return ServerError
    return STATUS_ERRORS.get(status_code, APIStatusError)
