"""What the room keeps as the candidate works: drafts, the whiteboard,
recorded answers and integrity signals. Same room token as the room's page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import Field

from . import engine
from .bodies import RequestBody
from .content import InterviewContent
from .design import MAX_ELEMENTS
from .errors import ApiError, error_responses
from .room_access import RoomToken, authorized_session, update_session
from .speech import NO_SPEECH_NOTE, AudioError, pcm_from_wav, speech_heard

router = APIRouter(prefix="/embed/ai-interviewer", tags=["room"])


class DraftIn(RequestBody):
    """What the candidate has typed but not sent: the answer box and the editor."""

    answer: str | None = Field(default=None, max_length=20_000)
    code: str | None = Field(default=None, max_length=100_000)
    language: str | None = Field(default=None, max_length=20)


class BoardIn(RequestBody):
    """The whiteboard's elements (an Excalidraw scene), saved as it changes."""

    elements: list[dict[str, Any]] = Field(max_length=MAX_ELEMENTS)


class IntegrityIn(RequestBody):
    """A signal the room observed: the tab was left, or text was pasted."""

    kind: str = Field(pattern="^(tab|paste)$")


@router.post("/{session_id}/integrity", responses=error_responses(400, 401, 404, 409))
def room_integrity(
    request: Request, session_id: str, body: IntegrityIn, x_room_token: RoomToken = None
) -> Any:
    """Count a tab switch or a paste for the report's integrity signals."""
    authorized_session(request, session_id, x_room_token)
    key = "tabSwitches" if body.kind == "tab" else "pastes"

    def count(state: dict[str, Any], _content: InterviewContent) -> list[Any]:
        state["integrity"] = {**state["integrity"], key: state["integrity"][key] + 1}
        return []

    update_session(request, session_id, count)
    return {"status": "success"}


@router.post(
    "/{session_id}/transcribe",
    responses=error_responses(400, 401, 404, 413, 503),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A recorded answer: 16 kHz mono 16-bit WAV.",
            "content": {
                "audio/wav": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def room_transcribe(
    request: Request, session_id: str, x_room_token: RoomToken = None
) -> Any:
    """Transcribe a recorded answer (16 kHz mono 16-bit WAV) to editable text.

    A recording without speech (silence, a muted or distant microphone) comes
    back as ``{"text": "", "note": ...}``, the note saying what to do, and is not
    decoded: a decoder hears words in silence.
    """
    authorized_session(request, session_id, x_room_token)
    transcriber = request.app.state.transcriber
    if transcriber is None:
        raise ApiError(
            503,
            "transcription_unavailable",
            "this service has no speech-to-text engine; type the answer, or install "
            "ipyinterview[speech] where the service runs",
        )
    try:
        pcm = pcm_from_wav(await request.body())
    except AudioError as err:
        raise ApiError(400, "bad_audio", str(err)) from err
    if not speech_heard(pcm):
        return {"text": "", "engine": transcriber.name, "note": NO_SPEECH_NOTE}
    text = await run_in_threadpool(transcriber.transcribe, pcm)
    return {"text": text, "engine": transcriber.name}


@router.post("/{session_id}/draft", responses=error_responses(400, 401, 404, 409))
def room_draft(
    request: Request, session_id: str, body: DraftIn, x_room_token: RoomToken = None
) -> Any:
    """Keep the unsent answer and code, so a reload loses nothing typed."""
    authorized_session(request, session_id, x_room_token)
    draft = body.model_dump(exclude_none=True)
    update_session(
        request, session_id, lambda state, _content: engine.save_draft(state, draft)
    )
    return {"status": "success"}


@router.post("/{session_id}/board", responses=error_responses(400, 401, 404, 409))
def room_board(
    request: Request, session_id: str, body: BoardIn, x_room_token: RoomToken = None
) -> Any:
    """Save the whiteboard (each save replaces the previous one)."""
    authorized_session(request, session_id, x_room_token)

    def keep(state: dict[str, Any], _content: InterviewContent) -> list[Any]:
        first = "board" not in state
        state["board"] = body.elements
        # The transcript notes the whiteboard once, not every autosave.
        return [{"role": "candidate", "kind": "board", "text": ""}] if first else []

    update_session(request, session_id, keep)
    return {"status": "success", "elements": len(body.elements)}
