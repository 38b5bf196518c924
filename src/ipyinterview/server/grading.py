"""Deterministic grading: answers against key points, code against tests.

The built-in grader needs no network. A free-text answer scores by how many of
the question's key points it covers (each key point has alternative
phrasings), blended with its word overlap with the reference answer; an exact
answer (a number or a choice) is right or wrong. Padding an answer with
unrelated words earns nothing.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import snowballstemmer

from .content import Question

_WORD = re.compile(r"[a-z0-9]+")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_STOP_WORDS = """
    a an and are as at be by do for from has have i if in is it its of on or so that
    the their then there these this to was we what when which with would you your
    will can could should my me our they them
""".split()

#: Weight of key-point coverage against word overlap with the reference.
COVERAGE_WEIGHT = 0.75


_STEMMER = snowballstemmer.stemmer("english")
_STOP = frozenset(_STEMMER.stemWords(_STOP_WORDS))
#: Extra words allowed between a key point's words ("hash map" in "a map
#: keyed by the hash").
SLACK = 3


def tokens(text: str) -> list[str]:
    """Return the lower-cased, stemmed (Snowball English) words of a text."""
    return list(_STEMMER.stemWords(_WORD.findall(text.lower())))


def _contains(haystack: list[str], needle: list[str]) -> bool:
    """Return whether the needle's words all occur close together, in any order."""
    wanted = [w for w in needle if w not in _STOP] or needle
    if not wanted:
        return False
    if len(wanted) == 1:
        return wanted[0] in haystack
    width = len(wanted) + SLACK
    need = set(wanted)
    return any(
        need <= set(haystack[i : i + width])
        for i in range(max(1, len(haystack) - width + 1))
    )


def _overlap(answer: list[str], reference: list[str]) -> float:
    a = Counter(w for w in answer if w not in _STOP)
    b = Counter(w for w in reference if w not in _STOP)
    if not a or not b:
        return 0.0
    dot = sum(a[w] * b[w] for w in a.keys() & b.keys())
    return dot / math.sqrt(
        sum(v * v for v in a.values()) * sum(v * v for v in b.values())
    )


@dataclass
class AnswerScore:
    """The score (0-100) of one answer and the key points it covered or missed."""

    score: int
    covered: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def _exact(question: Question, text: str) -> AnswerScore:
    expected = (question.answer or "").strip().lower()
    numbers = _NUMBER.findall(text.replace(",", ""))
    if _NUMBER.fullmatch(expected) and numbers:
        right = math.isclose(float(numbers[-1]), float(expected), abs_tol=1e-9)
    else:
        right = tokens(text)[-len(tokens(expected)) :] == tokens(expected)
    return AnswerScore(
        100 if right else 0, [expected] if right else [], [] if right else [expected]
    )


def score_answer(question: Question, text: str) -> AnswerScore:
    """Score a candidate's answer to a question, 0-100."""
    if not text.strip():
        return AnswerScore(0, [], [points[0] for points in question.key_points])
    if question.answer is not None:
        return _exact(question, text)

    words = tokens(text)
    covered, missed = [], []
    for alternatives in question.key_points:
        hit = any(_contains(words, tokens(phrase)) for phrase in alternatives)
        (covered if hit else missed).append(alternatives[0])
    coverage = len(covered) / len(question.key_points) if question.key_points else 0.0
    similarity = min(1.0, 2 * _overlap(words, tokens(question.reference)))
    if not question.key_points:
        coverage = similarity
    blended = COVERAGE_WEIGHT * coverage + (1 - COVERAGE_WEIGHT) * similarity
    return AnswerScore(round(100 * blended), covered, missed)


def weighted_skill_scores(
    items: list[tuple[int, dict[str, float]]], skills: list[str]
) -> dict[str, int | None]:
    """Return each skill's score: the weighted mean of the items that score it.

    Args:
        items: (score, {skill: weight}) for every graded item.
        skills: the interview's skills, in order; a skill no item scored is None.
    """
    totals: dict[str, float] = dict.fromkeys(skills, 0.0)
    weights: dict[str, float] = dict.fromkeys(skills, 0.0)
    for score, skill_weights in items:
        for skill, weight in skill_weights.items():
            if skill in totals:
                totals[skill] += score * weight
                weights[skill] += weight
    return {s: round(totals[s] / weights[s]) if weights[s] else None for s in skills}


#: Score bars for the verdict: (strong, solid). The bar raiser holds a higher bar.
VERDICT_BARS = {"leo": (85, 65)}
DEFAULT_BARS = (75, 50)


def verdict(score: int, skills: dict[str, int | None], persona_id: str) -> str:
    """Return a one-sentence verdict naming the strongest and weakest skill."""
    scored = {k: v for k, v in skills.items() if v is not None}
    if not scored:
        return "No answers were given, so no skill could be assessed."
    strong = max(scored, key=lambda k: scored[k])
    others = [k for k in scored if k != strong]
    weak = min(others, key=lambda k: scored[k]) if others else strong
    high, mid = VERDICT_BARS.get(persona_id, DEFAULT_BARS)
    if scored[strong] == scored[weak] and strong != weak:
        names = list(scored)
        both = ", ".join(names[:-1]) + " and " + names[-1]
        every = "both" if len(names) == 2 else "all"
        if score >= high:
            return f"Strong interview: {both} were equally convincing."
        if score >= mid:
            return f"Even across {both}; deepen {every} of them to stand out."
        return f"Not there yet: {both} {every} need more practice."
    if strong == weak:
        if score >= high:
            return f"Strong interview: {strong} was convincing throughout."
        if score >= mid:
            return f"A solid start on {strong}; push it further with deeper answers."
        return f"Not there yet: {strong} needs more practice."
    if score >= high:
        return f"Strong interview: {strong} stood out; keep sharpening {weak}."
    if score >= mid:
        return f"Solid on {strong}; {weak} needs more work."
    return f"Not there yet: build up {weak} first; {strong} was your best area."
