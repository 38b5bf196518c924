"""Recorded answers are transcribed offline by the service."""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path

import pytest

from ipyinterview.server.speech import AudioError, pcm_from_wav, synthesize


def silent_wav(rate: int = 16_000, channels: int = 1, seconds: float = 0.5) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(channels)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(b"\0\0" * channels * int(rate * seconds))
    return buffer.getvalue()


needs_speech = pytest.mark.skipif(
    shutil.which("espeak-ng") is None or shutil.which("sox") is None,
    reason="espeak-ng and sox make the recordings (bash .ci/test installs them)",
)


@needs_speech
def test_a_recorded_answer_comes_back_as_text(open_room, tmp_path: Path) -> None:
    _created, room = open_room("beh-1", mode="voice")
    room.get("state")
    audio = synthesize("I listened to my teammate and we ran an experiment")

    response = room.post_bytes("transcribe", audio, "audio/wav")

    assert room.config["mode"] == "voice"
    assert room.config["speech"] == "service"
    assert response.status_code == 200
    assert response.json()["engine"] == "pocketsphinx"
    assert response.json()["text"].strip(), "some words are heard"


def test_other_audio_formats_are_refused_with_the_format_to_send(open_room) -> None:
    _created, room = open_room("beh-1", mode="voice")

    response = room.post_bytes("transcribe", silent_wav(rate=44_100), "audio/wav")
    garbage = room.post_bytes("transcribe", b"not audio at all", "audio/wav")

    assert response.status_code == 400
    assert "16 kHz mono 16-bit" in response.json()["message"]
    assert garbage.status_code == 400


def test_pcm_is_read_from_a_wav_file_and_length_is_capped() -> None:
    assert len(pcm_from_wav(silent_wav(seconds=0.5))) == 16_000
    with pytest.raises(AudioError, match="limited to 60 seconds"):
        pcm_from_wav(silent_wav(seconds=61))
