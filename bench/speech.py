"""Word accuracy of the offline transcriber on synthetic recordings.

Usage: python bench/speech.py [--voice VOICE]

Speaks interview answers with espeak-ng (16 kHz mono WAV, as the room records),
transcribes them with the service's transcriber and prints, per phrase, what
was heard, then the word error rate over all phrases and the decode speed.
Synthetic voices are hard for the bundled English model: the figure is a floor
for real speech, and the reason the transcriber is pluggable.
"""

from __future__ import annotations

import argparse
import time

from ipyinterview.server.speech import load_transcriber, pcm_from_wav, synthesize

PHRASES = [
    "it runs in linear time with a hash map",
    "i listened to my teammate and we tested both ideas",
    "the answer is eighty three",
    "put a cache in front of the database",
    "we shipped the feature before the deadline",
]


def edit_distance(a: list[str], b: list[str]) -> int:
    row = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            previous, row[j] = (
                row[j],
                min(row[j] + 1, row[j - 1] + 1, previous + (word != other)),
            )
    return row[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--voice", default="en-us")
    args = parser.parse_args()
    transcriber = load_transcriber()
    if transcriber is None:
        raise SystemExit("no transcriber: pip install 'ipyinterview[speech]'")

    errors = words = 0
    audio_seconds = decode_seconds = 0.0
    for phrase in PHRASES:
        pcm = pcm_from_wav(synthesize(phrase, voice=args.voice))
        start = time.perf_counter()
        heard = transcriber.transcribe(pcm)
        decode_seconds += time.perf_counter() - start
        audio_seconds += len(pcm) / 32_000
        errors += edit_distance(phrase.split(), heard.lower().split())
        words += len(phrase.split())
        print(f"said:  {phrase}\nheard: {heard}\n")
    print(f"engine: {transcriber.name}, voice: {args.voice}")
    print(f"word error rate: {errors / words:.0%} ({errors} of {words} words)")
    print(f"word accuracy: {max(0.0, 1 - errors / words):.0%}")
    print(f"decode speed: {audio_seconds / decode_seconds:.1f}x real time")


if __name__ == "__main__":
    main()
