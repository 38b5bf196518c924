"""The local service's application factory."""

from __future__ import annotations

import asyncio
import itertools
import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from . import api, room, room_capture
from .auth import Resolver
from .content import load_library
from .db import Store, make_engine
from .errors import (
    ApiError,
    document_errors,
    install_error_handlers,
    unexpected_error,
)
from .llm import load_interviewer
from .settings import Settings
from .speech import load_transcriber

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static"
#: Bodies larger than this are refused with 413 before they are read.
MAX_BODY_BYTES = 1024 * 1024
#: Recorded answers are larger: a minute of 16 kHz mono 16-bit audio and more.
AUDIO_BODY_BYTES = 4 * 1024 * 1024


class ServiceHeaders:
    """ASGI middleware: refuse oversized bodies, add the framing policy, delay.

    A body over the limit is refused with 413 before it is read: at once when
    its Content-Length says so, else as soon as the bytes received pass it.

    It also answers an exception no handler caught with a JSON 500 in the
    error shape, so that nothing below it logs the exception's message.

    A plain ASGI wrapper rather than Starlette's BaseHTTPMiddleware, which
    costs a task and a stream per request.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        csp = "frame-ancestors " + " ".join(settings.frame_ancestors)
        # Never X-Frame-Options: the room exists to be framed by notebooks.
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]
        self.latency = settings.latency_ms / 1000
        # Request ids: unique, not secret. A random prefix per process and a
        # counter cost no system call per request (as a random id each would).
        prefix = secrets.token_hex(4)
        self.request_ids = (f"{prefix}{n:08x}".encode() for n in itertools.count())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = body_limit(scope["path"])
        length = Headers(scope=scope).get("content-length", "")
        if length.isdigit() and int(length) > limit:
            response = JSONResponse(too_large(limit).body(), status_code=413)
            await response(scope, receive, send)
            return
        if self.latency and scope["path"].startswith("/v1/"):
            await asyncio.sleep(self.latency)

        request_id = next(self.request_ids)
        started = False
        # Set once the body ran over the limit and the 413 went out in the
        # app's place: from then on the app hears a disconnected client and
        # whatever it answers or raises is dropped.
        refused = False
        received = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [
                    *message.get("headers", []),
                    *self.headers,
                    (b"x-request-id", request_id),
                ]
            await send(message)

        async def receive_within_limit() -> Message:
            # Counted as it arrives, so the limit holds whatever the framing
            # (a chunked body declares no length).
            nonlocal received, refused
            if received > limit:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    if not started:
                        response = JSONResponse(
                            too_large(limit).body(), status_code=413
                        )
                        await response(scope, receive, send_with_headers)
                        refused = True
                    return {"type": "http.disconnect"}
            return message

        try:
            await self.app(scope, receive_within_limit, send_with_headers)
        except Exception as exc:
            if refused:
                return
            if started:
                raise
            error = unexpected_error(exc, method=scope["method"], path=scope["path"])
            response = JSONResponse(error.body(), status_code=error.status)
            await response(scope, receive, send_with_headers)


def body_limit(path: str) -> int:
    """Return the largest body, in bytes, the service reads for ``path``."""
    return AUDIO_BODY_BYTES if path.endswith("/transcribe") else MAX_BODY_BYTES


def too_large(limit: int) -> ApiError:
    """Return the 413 answered to a body over ``limit`` bytes."""
    return ApiError(
        413,
        "body_too_large",
        f"the body is over {limit} bytes; send less",
    )


def create_app(settings: Settings) -> FastAPI:
    """Create the service: the /v1 API, the room and its static assets."""
    store = Store(make_engine(settings.database_url))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.engine.dispose()
        if app.state.llm is not None:
            app.state.llm.close()

    app = FastAPI(
        title="ipyinterview local service",
        version=__version__,
        description="An offline twin of the AI-interviewer API and its interview room.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.library = load_library(settings.catalogue_dir)
    app.state.catalogue = app.state.library.catalogue().to_wire()
    app.state.secret = store.secret()
    app.state.resolver = Resolver(store)
    app.state.transcriber = load_transcriber(settings.transcriber)
    app.state.llm = load_interviewer()

    install_error_handlers(app)
    document_errors(app)
    app.add_middleware(ServiceHeaders, settings=settings)
    app.include_router(api.router)
    app.include_router(room.router)
    app.include_router(room_capture.router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "success"}

    return app
