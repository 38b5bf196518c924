"""Build the four report frames from many reports, against a json_normalize recipe.

Usage: python bench/frames.py [--reports N] [--repeat R]

Generates N synthetic completed reports (with a few active sessions and nulls
mixed in, as a real cohort has), then builds the sessions, skills, questions
and feedback frames two ways in the same run: :func:`ipyinterview.frames.build_frames`
and the recipe a user would write with ``pd.json_normalize`` (one call per
frame, then the casts to the same dtypes). Prints the best of R wall times of
each and the ratio. Target: at least 10x faster than the recipe.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from ipyinterview import frames

SKILLS = ["Hash maps", "Complexity analysis", "Communication", "SQL", "Testing"]
START = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def report(number: int, rng: random.Random) -> dict[str, Any]:
    """Return one session envelope as GET /sessions/{id} sends it."""
    created = START + timedelta(minutes=number)
    session: dict[str, Any] = {
        "_id": f"s{number:07d}",
        "interviewId": f"dsa-{1 + number % 7}",
        "personaId": rng.choice(["maya", "alex", "leo"]),
        "mode": rng.choice(["chat", "voice"]),
        "status": "active",
        "userId": f"u{number % 5000:05d}",
        "createdAt": _iso(created),
    }
    if number % 50 == 0:
        return {"status": "success", "session": session}
    skills = rng.sample(SKILLS, 3)
    score = rng.randint(20, 100)
    session |= {
        "status": "completed",
        "score": score,
        "completedAt": _iso(created + timedelta(seconds=rng.randint(300, 2400))),
        "feedback": {
            "score": score,
            "verdict": f"Solid on {skills[0]}; {skills[1]} needs more work.",
            "strengths": [f"Covered {s}." for s in skills[:2]],
            "improvements": [f"Go deeper on {skills[2]}."],
            "skills": [
                {"name": s, "score": None if number % 97 == 0 else rng.randint(0, 100)}
                for s in skills
            ],
            "questions": [
                {"q": f"Question {i}?", "answer": f"Answer {i}.", "score": 60 + i}
                for i in range(1, 4)
            ],
        },
    }
    return {"status": "success", "session": session}


def recipe(reports: list[dict[str, Any]]) -> tuple[pd.DataFrame, ...]:
    """Build the four frames as a user would with pd.json_normalize."""
    docs = [r["session"] for r in reports]
    sessions = pd.json_normalize(docs)
    sessions["created_at"] = pd.to_datetime(sessions["createdAt"], utc=True)
    sessions["completed_at"] = pd.to_datetime(sessions["completedAt"], utc=True)
    sessions["duration_s"] = (
        sessions["completed_at"] - sessions["created_at"]
    ).dt.total_seconds()
    sessions = sessions.rename(columns={"_id": "session_id"}).astype(
        {"score": "Int64", "session_id": "string", "feedback.verdict": "string"}
    )

    done = [d for d in docs if d.get("feedback")]
    skills = pd.json_normalize(done, ["feedback", "skills"], ["_id"])
    skills = skills.astype({"score": "Int64", "name": "category", "_id": "string"})
    questions = pd.json_normalize(done, ["feedback", "questions"], ["_id"])
    questions["position"] = questions.groupby("_id").cumcount() + 1
    questions = questions.astype({"score": "Int64", "q": "string", "_id": "string"})
    parts = []
    for key, kind in [("strengths", "strength"), ("improvements", "improvement")]:
        part = pd.json_normalize(done, ["feedback", key], ["_id"])
        parts.append(part.assign(kind=kind))
    feedback = pd.concat(parts, ignore_index=True).astype(
        {"kind": "category", 0: "string"}
    )
    return sessions, skills, questions, feedback


def best_of(repeat: int, build: Callable[[], object]) -> float:
    """Return the best wall time of ``repeat`` runs of ``build``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(7)
    reports = [report(n, rng) for n in range(args.reports)]

    built = frames.build_frames(reports)
    rows = {name: len(frame) for name, frame in built._asdict().items()}
    ours = best_of(args.repeat, lambda: frames.build_frames(reports))
    theirs = best_of(args.repeat, lambda: recipe(reports))

    print(f"reports: {args.reports:,}  rows: {rows}")
    print(f"build_frames:         {ours:8.3f} s")
    print(f"json_normalize recipe: {theirs:8.3f} s")
    print(f"ratio: {theirs / ours:.1f}x faster (target >= 10x)")


if __name__ == "__main__":
    main()
