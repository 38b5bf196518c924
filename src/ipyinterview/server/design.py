"""Grading a system design from what is drawn and what is said.

The whiteboard is an Excalidraw scene. Its components are the shapes' labels
(bound text) and free text; its connections are the arrows bound to two
labelled shapes. A component of the interview's design counts as present when
a label names it (its name or one of its alternative labels); a trade-off
counts when the candidate's answers name it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .content import Component, Design
from .grading import tokens

#: Weights of the design score's parts (they sum to 1).
WEIGHTS = {"required": 0.55, "connected": 0.15, "optional": 0.1, "tradeoffs": 0.2}
#: Elements kept per board; more is refused.
MAX_ELEMENTS = 500


@dataclass
class Board:
    """The labels on a whiteboard and the arrows between labelled shapes."""

    labels: dict[str, str] = field(default_factory=dict)
    arrows: list[tuple[str, str]] = field(default_factory=list)


def read_board(elements: list[dict[str, Any]]) -> Board:
    """Return the labelled shapes and the arrows of an Excalidraw scene."""
    live = [e for e in elements if isinstance(e, dict) and not e.get("isDeleted")]
    board = Board()
    for element in live:
        if element.get("type") != "text":
            continue
        text = str(element.get("originalText") or element.get("text") or "").strip()
        if text:
            # A shape's label is its bound text; free text labels itself.
            board.labels[str(element.get("containerId") or element.get("id"))] = text
    for element in live:
        if element.get("type") != "arrow":
            continue
        start = (element.get("startBinding") or {}).get("elementId")
        end = (element.get("endBinding") or {}).get("elementId")
        if start in board.labels and end in board.labels:
            board.arrows.append((start, end))
    return board


def _names(component: Component, text: str) -> bool:
    words = tokens(text)
    for phrase in (component.name, *component.labels):
        needle = tokens(phrase)
        width = len(needle)
        if width and any(words[i : i + width] == needle for i in range(len(words))):
            return True
    return False


@dataclass
class DesignScore:
    """A design's score (0-100) and what it had and lacked."""

    score: int
    present: list[str]
    missing: list[str]
    optional: list[str]
    tradeoffs: list[str]
    arrows: list[tuple[str, str]]


def grade_design(
    design: Design, elements: list[dict[str, Any]], said: str
) -> DesignScore:
    """Score the board and the answers against the interview's design."""
    board = read_board(elements)
    found: dict[str, set[str]] = {}
    for shape, label in board.labels.items():
        for component in [*design.required, *design.optional]:
            if _names(component, label):
                found.setdefault(component.name, set()).add(shape)
    present = [c.name for c in design.required if c.name in found]
    missing = [c.name for c in design.required if c.name not in found]
    optional = [c.name for c in design.optional if c.name in found]
    tradeoffs = [c.name for c in design.tradeoffs if _names(c, said)]

    linked = {shape for arrow in board.arrows for shape in arrow}
    connected = [name for name in present if found[name] & linked]
    parts = {
        "required": len(present) / len(design.required),
        "connected": len(connected) / len(present) if present else 0.0,
        "optional": min(1.0, len(optional) / 2) if design.optional else 0.0,
        "tradeoffs": len(tradeoffs) / len(design.tradeoffs),
    }
    score = round(100 * sum(WEIGHTS[k] * v for k, v in parts.items()))
    arrows = [(board.labels[a], board.labels[b]) for a, b in board.arrows]
    return DesignScore(score, present, missing, optional, tradeoffs, arrows)
