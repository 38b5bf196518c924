"""The local service's application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from .. import __version__
from . import api, room
from .content import load_library
from .db import Store, make_engine
from .errors import ApiError, install_error_handlers
from .settings import Settings

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "static"
#: Bodies larger than this are refused with 413 before they are read.
MAX_BODY_BYTES = 1024 * 1024


class _Headers(BaseHTTPMiddleware):
    """Refuse oversized bodies; set the room's framing policy."""

    def __init__(self, app: FastAPI, settings: Settings) -> None:
        super().__init__(app)
        self.csp = "frame-ancestors " + " ".join(settings.frame_ancestors)
        self.latency = settings.latency_ms / 1000

    async def dispatch(
        self, request: Request, call_next: RequestResponseEndpoint
    ) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            error = ApiError(
                413,
                "body_too_large",
                f"the body is over {MAX_BODY_BYTES} bytes; send less",
            )
            return JSONResponse(error.body(), status_code=413)
        if self.latency and request.url.path.startswith("/v1/"):
            await asyncio.sleep(self.latency)
        response = await call_next(request)
        # Never X-Frame-Options: the room exists to be framed by notebooks.
        response.headers["Content-Security-Policy"] = self.csp
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response


def create_app(settings: Settings) -> FastAPI:
    """Create the service: the /v1 API, the room and its static assets."""
    store = Store(make_engine(settings.database_url))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        store.engine.dispose()

    app = FastAPI(
        title="ipyinterview local service",
        version=__version__,
        description="An offline twin of the AI-interviewer API and its interview room.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.library = load_library(settings.catalogue_dir)
    app.state.secret = store.secret()

    install_error_handlers(app)
    app.add_middleware(_Headers, settings=settings)
    app.include_router(api.router)
    app.include_router(room.router)
    app.mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static")

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "success"}

    return app
