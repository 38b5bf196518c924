"""Errors the service answers with: JSON, a stable code and what to do next.

Every error body is ``{"status": "failed", "code": ..., "message": ...}``; a
handler turns FastAPI's own validation and HTTP errors into the same shape, and
an error nobody expected into a 500 of the same shape (logged without its
message, which may quote a caller's key or token).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .bodies import (
    NUMBER_TOO_LONG_CODE,
    TOO_DEEP_CODE,
    TOO_DEEP_MESSAGE,
    number_too_long_message,
)

logger = logging.getLogger(__name__)


class ErrorBody(BaseModel):
    """The body of every error response."""

    status: Literal["failed"] = "failed"
    code: str
    message: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Return OpenAPI ``responses`` documenting these error statuses."""
    return {status: {"model": ErrorBody} for status in statuses}


class ApiError(Exception):
    """An error answered to the caller with its HTTP status and machine code."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """Return the JSON body of the error response."""
        return {
            "status": "failed",
            "code": self.code,
            "message": self.message,
            **self.extra,
        }


#: Where a request body arrived but was not a JSON object.
NOT_AN_OBJECT = ("model_attributes_type", "dict_type")


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"] if p != "body") or "body"
        if where == "body" and error["type"] in NOT_AN_OBJECT:
            # Text, a form, a JSON list, or JSON sent as another content type.
            parts.append(
                "body: send a JSON object, with Content-Type: application/json"
            )
        else:
            parts.append(f"{where}: {error['msg']}")
    return "the request is not valid: " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` in the service's JSON error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        if any(e["type"] == TOO_DEEP_CODE for e in exc.errors()):
            too_deep = ApiError(400, TOO_DEEP_CODE, TOO_DEEP_MESSAGE)
            return JSONResponse(too_deep.body(), status_code=400)
        malformed = any(e["type"] == "json_invalid" for e in exc.errors())
        error = ApiError(
            400,
            "malformed_json" if malformed else "invalid_request",
            "the body is not valid JSON; send a JSON object"
            if malformed
            else _validation_message(exc),
        )
        return JSONResponse(error.body(), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = _from_http_exception(exc)
        # The headers matter: a 405 must say which methods are allowed.
        return JSONResponse(
            error.body(), status_code=exc.status_code, headers=exc.headers
        )


def unexpected_error(exc: Exception, *, method: str, path: str) -> ApiError:
    """Log an exception no handler expected and return the 500 to answer with.

    Only the exception's type and its frames are logged: its message may quote
    a key, a token or an answer.
    """
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error(
        "unexpected %s answering %s %s\n%s", type(exc).__name__, method, path, frames
    )
    return ApiError(
        500,
        "internal_error",
        "the service failed on this request; try again, and report it if it "
        "keeps failing",
    )


#: Codes of the errors Starlette raises itself (routing, body reading).
HTTP_CODES = {
    400: "malformed_body",
    404: "not_found",
    405: "method_not_allowed",
}


def _unreadable_body(cause: BaseException | None) -> ApiError:
    """Return the error for a body FastAPI could not parse, from why it could not.

    FastAPI answers any failure to parse a body other than a JSON syntax
    error with one 400, raised from the parser's own exception.
    """
    if isinstance(cause, RecursionError):
        return ApiError(400, TOO_DEEP_CODE, TOO_DEEP_MESSAGE)
    if isinstance(cause, ValueError) and "integer string conversion" in str(cause):
        return ApiError(400, NUMBER_TOO_LONG_CODE, number_too_long_message())
    if isinstance(cause, UnicodeDecodeError):
        return ApiError(
            400, "malformed_body", "the body is not UTF-8 text; send UTF-8 JSON"
        )
    return ApiError(
        400,
        "malformed_body",
        "the body could not be read; send UTF-8 JSON with its Content-Type",
    )


def _from_http_exception(exc: StarletteHTTPException) -> ApiError:
    code = HTTP_CODES.get(exc.status_code, "http_error")
    message = str(exc.detail)
    if exc.status_code == 400:
        return _unreadable_body(exc.__cause__)
    if exc.status_code == 404:
        message = "no such endpoint; see /docs for the API's paths"
    elif exc.status_code == 405:
        allowed = exc.headers.get("Allow", "") if exc.headers else ""
        message = f"this endpoint does not take that method; use {allowed or 'another'}"
    return ApiError(exc.status_code, code, message)


def document_errors(app: FastAPI) -> None:
    """Make ``app``'s OpenAPI document describe the errors it really answers.

    FastAPI documents a 422 with its own body on every operation that takes
    input; this service answers 400 with :class:`ErrorBody` instead, and 413 to
    a body over the size limit.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = generate()
        error = {"$ref": "#/components/schemas/ErrorBody"}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                _document_operation_errors(operation, error)
        schemas = document.get("components", {}).get("schemas", {})
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        schemas.setdefault("ErrorBody", ErrorBody.model_json_schema())
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]


def _document_operation_errors(
    operation: dict[str, Any], error: dict[str, Any]
) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    statuses = []
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append(("400", "The request is not valid; the message says why."))
    if operation.get("requestBody"):
        statuses.append(("413", "The body is over the size limit."))
    for status, description in statuses:
        responses.setdefault(
            status,
            {
                "description": description,
                "content": {"application/json": {"schema": error}},
            },
        )
