"""Recorded answers are transcribed offline by the service."""

from __future__ import annotations

import io
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from ipyinterview.server.speech import (
    NO_SPEECH_NOTE,
    AudioError,
    PocketsphinxTranscriber,
    pcm_from_wav,
    speech_heard,
    synthesize,
)


def wav_of(pcm: bytes, *, rate: int = 16_000, channels: int = 1) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(channels)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(pcm)
    return buffer.getvalue()


def silent_wav(rate: int = 16_000, channels: int = 1, seconds: float = 0.5) -> bytes:
    return wav_of(
        b"\0\0" * channels * int(rate * seconds), rate=rate, channels=channels
    )


def hiss(seconds: float, *, rms: float) -> bytes:
    """Return 16 kHz 16-bit PCM of white noise at about this RMS level."""
    samples = np.random.default_rng(7).normal(0, rms, int(16_000 * seconds))
    return samples.astype("<i2").tobytes()


#: The tester's input: a 1 MB WAV of silence (about 32 seconds).
MEGABYTE_OF_SILENCE = silent_wav(seconds=(1024 * 1024 - 44) / 32_000)


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


@pytest.mark.parametrize(
    ("name", "wav"),
    [
        ("a megabyte of silence", MEGABYTE_OF_SILENCE),
        ("a quiet room's hiss", wav_of(hiss(5, rms=40))),
        ("a click in silence", wav_of(b"\0\0" * 16_000 + b"\xff\x7f" * 160)),
    ],
)
def test_a_recording_without_speech_says_so_and_logs_nothing(
    open_room, capfd: pytest.CaptureFixture[str], name: str, wav: bytes
) -> None:
    _created, room = open_room("beh-1", mode="voice")
    capfd.readouterr()

    response = room.post_bytes("transcribe", wav, "audio/wav")

    assert response.status_code == 200, name
    assert response.json()["text"] == "", "no word is imagined in silence"
    assert response.json()["note"] == NO_SPEECH_NOTE
    assert "closer to the microphone" in NO_SPEECH_NOTE
    assert capfd.readouterr().err == "", "nothing reaches the service's stderr"


def test_the_decoder_writes_nothing_to_stderr_even_on_long_silence(
    capfd: pytest.CaptureFixture[str],
) -> None:
    # The decoder itself, past the silence check: its C logger writes to the
    # process's file descriptor 2, which capfd captures.
    transcriber = PocketsphinxTranscriber()
    capfd.readouterr()

    transcriber.transcribe(pcm_from_wav(MEGABYTE_OF_SILENCE))

    assert capfd.readouterr().err == ""


@needs_speech
def test_speech_is_heard_in_speech_and_quiet_speech_but_not_in_hiss() -> None:
    spoken = np.frombuffer(pcm_from_wav(synthesize("yes")), dtype="<i2")
    quiet = (spoken // 8).astype("<i2").tobytes()
    padded = b"\0\0" * 16_000 * 20 + spoken.tobytes() + b"\0\0" * 16_000 * 20

    assert speech_heard(spoken.tobytes())
    assert speech_heard(quiet), "a soft voice (-18 dB) is still heard"
    assert speech_heard(padded), "one word in 40 s of silence is heard"
    assert not speech_heard(hiss(10, rms=60))
    assert not speech_heard(b"")
