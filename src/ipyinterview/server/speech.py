"""Offline speech to text for voice answers recorded in the room.

The room records 16 kHz mono 16-bit WAV and posts it here when the browser has
no speech recognition of its own (or the service prefers to stay offline). The
transcriber is pluggable: ``IPYINTERVIEW_TRANSCRIBER`` names ``pocketsphinx``
(the default when installed: ``pip install 'ipyinterview[speech]'``), ``none``,
or ``package.module:factory`` for any callable returning a :class:`Transcriber`.
"""

from __future__ import annotations

import importlib
import io
import logging
import os
import threading
import wave
from typing import Protocol

import numpy as np

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
#: Longest recording accepted, in seconds (about 1.9 MB of audio).
MAX_SECONDS = 60

#: Loudness is measured over frames of this many samples (20 ms).
FRAME_SAMPLES = SAMPLE_RATE // 50
#: A frame louder than this RMS (of 32767, about -44 dBFS) may hold speech; a
#: quiet room through a laptop microphone stays well below it.
SPEECH_RMS = 200
#: Speech is heard when at least this many frames (0.1 s) are that loud.
MIN_SPEECH_FRAMES = 5
#: What the room shows when a recording holds no speech.
NO_SPEECH_NOTE = (
    "No speech was heard; speak closer to the microphone and record again, "
    "or type your answer."
)


class AudioError(ValueError):
    """The upload is not 16 kHz mono 16-bit WAV, or it is too long."""


class Transcriber(Protocol):
    """Turns 16 kHz mono 16-bit PCM into text."""

    name: str

    def transcribe(self, pcm: bytes) -> str:
        """Return the words heard in ``pcm`` ("" when none)."""


class PocketsphinxTranscriber:
    """CMU PocketSphinx with the English model its wheel ships: fully offline."""

    name = "pocketsphinx"

    def __init__(self) -> None:
        from pocketsphinx import Decoder

        # The level goes in the decoder's configuration: creating a decoder
        # sets PocketSphinx's (process-wide) log level from it, WARN by
        # default, which undoes an earlier set_loglevel() and lets a long
        # silence write megabytes of "overpruning" warnings to stderr.
        self._decoder = Decoder(samprate=SAMPLE_RATE, loglevel="FATAL")
        # One decoder, one utterance at a time.
        self._lock = threading.Lock()

    def transcribe(self, pcm: bytes) -> str:
        with self._lock:
            self._decoder.start_utt()
            self._decoder.process_raw(pcm, full_utt=True)
            self._decoder.end_utt()
            hypothesis = self._decoder.hyp()
        return hypothesis.hypstr.strip() if hypothesis else ""


def load_transcriber(spec: str | None = None) -> Transcriber | None:
    """Return the configured transcriber, or None when there is none.

    ``spec`` defaults to IPYINTERVIEW_TRANSCRIBER, then ``pocketsphinx`` when it
    is installed.
    """
    spec = spec or os.environ.get("IPYINTERVIEW_TRANSCRIBER") or "pocketsphinx"
    if spec == "none":
        return None
    if spec == "pocketsphinx":
        try:
            return PocketsphinxTranscriber()
        except ImportError:
            logger.info("pocketsphinx is not installed: voice answers use the browser")
            return None
    module, _, factory = spec.partition(":")
    transcriber: Transcriber = getattr(importlib.import_module(module), factory)()
    return transcriber


def speech_heard(pcm: bytes) -> bool:
    """Return whether 16-bit ``pcm`` is loud enough, long enough, to hold speech.

    Silence and near-silence (a muted or distant microphone) are not worth
    decoding: the decoder would return a word it imagined in the noise.
    """
    samples = np.frombuffer(pcm, dtype="<i2", count=len(pcm) // 2)
    frames = len(samples) // FRAME_SAMPLES
    if frames == 0:
        return False
    shaped = samples[: frames * FRAME_SAMPLES].reshape(frames, FRAME_SAMPLES)
    power = np.square(shaped, dtype=np.float64).mean(axis=1)
    loud = int(np.count_nonzero(power > SPEECH_RMS**2))
    return loud >= MIN_SPEECH_FRAMES


def pcm_from_wav(data: bytes) -> bytes:
    """Return the PCM frames of a 16 kHz mono 16-bit WAV file.

    Raises:
        AudioError: another format, or longer than :data:`MAX_SECONDS`.
    """
    try:
        with wave.open(io.BytesIO(data), "rb") as audio:
            shape = (audio.getframerate(), audio.getnchannels(), audio.getsampwidth())
            if shape != (SAMPLE_RATE, 1, 2):
                raise AudioError(
                    f"send 16 kHz mono 16-bit WAV, not {shape[0]} Hz, "
                    f"{shape[1]} channel(s), {8 * shape[2]}-bit"
                )
            if audio.getnframes() > MAX_SECONDS * SAMPLE_RATE:
                raise AudioError(f"recordings are limited to {MAX_SECONDS} seconds")
            return audio.readframes(audio.getnframes())
    except (wave.Error, EOFError) as err:
        raise AudioError(f"the upload is not a WAV file ({err})") from err


def synthesize(text: str, *, voice: str = "en-us") -> bytes:
    """Return ``text`` spoken by espeak-ng as 16 kHz mono 16-bit WAV.

    For trying voice answers without a microphone (demos, tests, benchmarks).

    Raises:
        FileNotFoundError: espeak-ng or sox is not installed (Debian packages
            of the same names).
    """
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="ipyinterview-speech-") as folder:
        raw, wav = Path(folder) / "raw.wav", Path(folder) / "answer.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-w", str(raw), text], check=True)
        subprocess.run(
            [
                "sox",
                str(raw),
                "-r",
                str(SAMPLE_RATE),
                "-c",
                "1",
                "-b",
                "16",
                "-e",
                "signed-integer",
                str(wav),
            ],
            check=True,
        )
        return wav.read_bytes()
