"""Errors the service answers with: JSON, a stable code and what to do next.

Every error body is ``{"status": "failed", "code": ..., "message": ...}``; a
handler turns FastAPI's own validation and HTTP errors into the same shape.
"""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

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


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error["loc"] if p != "body") or "body"
        parts.append(f"{where}: {error['msg']}")
    return "the request is not valid: " + "; ".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error of ``app`` in the service's JSON error shape."""

    @app.exception_handler(ApiError)
    async def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
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
        code = {404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        error = ApiError(exc.status_code, code, str(exc.detail))
        return JSONResponse(error.body(), status_code=exc.status_code)
