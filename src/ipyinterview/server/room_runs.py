"""A room's code runs: what a run asks for, and how runs queue and stop.

Runs take a slot of :data:`~.runner.CONCURRENT_RUNS` in the service; a room's
runs go one at a time, so one room cannot take every slot, and a run whose
caller hangs up (a closed tab, a client's timeout) leaves the queue or is
stopped at once.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable

import anyio
import anyio.to_thread
from fastapi import Request
from pydantic import Field

from .bodies import RequestBody
from .content import InterviewContent
from .errors import ApiError
from .runner import CONCURRENT_RUNS, RunResult, run_tests


class RunIn(RequestBody):
    """Code to run: ``submit`` runs the hidden tests too."""

    language: str = "python"
    code: str = Field(max_length=100_000)
    submit: bool = False


def run_code(
    request: Request,
    content: InterviewContent,
    body: RunIn,
    *,
    hidden: bool,
    cancel: threading.Event | None = None,
) -> RunResult:
    """Run ``body``'s code against the problem's visible tests (and hidden ones).

    Raises:
        ApiError: 400 when the interview has no problem or not that language.
    """
    problem = content.problem
    if problem is None:
        raise ApiError(400, "no_problem", "this interview has no code to run")
    if body.language not in problem.starter:
        languages = ", ".join(problem.starter)
        raise ApiError(400, "unknown_language", f"choose one of: {languages}")
    tests = [(t, False) for t in problem.tests.visible]
    if hidden:
        tests += [(t, True) for t in problem.tests.hidden]
    settings = request.app.state.settings
    return run_tests(
        body.code,
        language=body.language,
        entry=problem.entry[body.language],
        tests=tests,
        setup=problem.setup,
        ordered=problem.ordered,
        limits=settings.run_limits,
        private=settings.private_paths(),
        cancel=cancel,
    )


def _run_limiter(request: Request) -> anyio.CapacityLimiter:
    """Threads for code runs: runs waiting their turn hold no request thread."""
    state = request.app.state
    if getattr(state, "run_limiter", None) is None:
        state.run_limiter = anyio.CapacityLimiter(CONCURRENT_RUNS)
    return state.run_limiter


def _session_run_lock(request: Request, session_id: str) -> anyio.Lock:
    """One run at a time per session, so that one room cannot take every slot.

    A room's further runs wait behind its own, not in the queue of all runs.
    """
    state = request.app.state
    if getattr(state, "run_locks", None) is None:
        state.run_locks = weakref.WeakValueDictionary()
    lock = state.run_locks.get(session_id)
    if lock is None:
        lock = state.run_locks[session_id] = anyio.Lock()
    return lock


#: How often a run, waiting or running, checks that its caller is still there.
DISCONNECT_POLL_SECONDS = 0.2


async def run_while_connected(
    request: Request, session_id: str, work: Callable[[threading.Event], RunResult]
) -> RunResult | None:
    """Run ``work(cancel)`` in a run slot; None if the caller hung up first.

    A caller gone (a closed tab, a client's timeout) leaves its turn in the
    queue, and a run under way is cancelled: nobody would see the verdict.
    """
    cancel = threading.Event()
    result: RunResult | None = None
    failure: Exception | None = None
    async with anyio.create_task_group() as group:

        async def watch() -> None:
            while not await request.is_disconnected():
                await anyio.sleep(DISCONNECT_POLL_SECONDS)
            cancel.set()
            group.cancel_scope.cancel()

        group.start_soon(watch)
        try:
            async with _session_run_lock(request, session_id):
                result = await anyio.to_thread.run_sync(
                    work, cancel, limiter=_run_limiter(request)
                )
        except Exception as error:  # Raised as itself, not in an ExceptionGroup.
            failure = error
        group.cancel_scope.cancel()
    if failure is not None:
        raise failure
    return None if cancel.is_set() else result
