"""Hostile text for escaping tests: payloads, a catalogue made of them, a checker.

Each payload sets ``window.__pwned`` if it ever runs as script, so a browser
test can tell "shown as text" from "run as markup" by one flag.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from .helpers import CATALOGUE

SCRIPT = "<script>window.__pwned = 'script'</script>"
IMG = "<img src=x onerror=\"window.__pwned = 'img'\">"
SVG = '"><svg onload="window.__pwned = \'svg\'">'
QUOTES = "' onmouseover='window.__pwned = 1' data-x='"
LINK = "javascript:window.__pwned = 'link'"
TEMPLATE = "</title></textarea>{{title}}{{config}}<b>bold</b>"

#: Every payload, for fields that show them all.
PAYLOADS = (SCRIPT, IMG, SVG, QUOTES, LINK, TEMPLATE)


def mixed(*payloads: str) -> str:
    """Return payloads joined with plain words, as someone might type them."""
    return " and ".join(payloads or PAYLOADS)


class Markup(HTMLParser):
    """Collects the elements, attributes and text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)


def parse(markup: str) -> Markup:
    """Return what an HTML parser makes of ``markup``."""
    parser = Markup()
    parser.feed(markup)
    parser.close()
    return parser


def hostile_catalogue(folder: Path) -> dict[str, str]:
    """Write a catalogue whose every shown text is a payload; return those texts.

    The catalogue holds a code interview (dsa-1's problem and tests) and a
    behavioural one (beh-1), with hostile titles, blurbs, questions, skills,
    track names and persona names. Returns the hostile value of each field.
    """
    texts = {
        "code_title": mixed(SCRIPT, QUOTES),
        "chat_title": mixed(TEMPLATE, IMG),
        "blurb": mixed(IMG, LINK),
        "intro": mixed(SVG, SCRIPT),
        "prompt": mixed(IMG, QUOTES),
        "problem_title": mixed(SVG),
        "statement": f"Return `{IMG}` and then {SCRIPT}.",
        "skill": mixed(SVG, QUOTES),
        "track": mixed(IMG, SCRIPT),
        "persona": mixed(SVG, LINK),
    }
    (folder / "interviews").mkdir(parents=True)
    personas = json.loads((CATALOGUE / "personas.json").read_text())
    personas[0]["name"] = texts["persona"]
    (folder / "personas.json").write_text(json.dumps(personas))
    tracks = [
        {"id": "dsa", "cat": "technical", "name": texts["track"]},
        {"id": "behavioural", "cat": "non-technical", "name": texts["prompt"]},
    ]
    (folder / "tracks.json").write_text(json.dumps(tracks))

    code = json.loads((CATALOGUE / "interviews" / "dsa-1.json").read_text())
    _rename_skill(code, "Hash maps", texts["skill"])
    code["problem"].update(title=texts["problem_title"], statement=texts["statement"])
    chat = json.loads((CATALOGUE / "interviews" / "beh-1.json").read_text())
    _rename_skill(chat, "Communication", texts["skill"])
    for interview, title in ((code, "code_title"), (chat, "chat_title")):
        interview.update(title=texts[title], blurb=texts["blurb"], intro=texts["intro"])
        interview["questions"][0]["prompt"] = texts["prompt"]
        path = folder / "interviews" / f"{interview['id']}.json"
        path.write_text(json.dumps(interview))
    return texts


def _rename_skill(interview: dict[str, Any], old: str, new: str) -> None:
    interview["skills"] = [new if s == old else s for s in interview["skills"]]
    holders = [*interview["questions"], interview.get("problem") or {}]
    for holder in holders:
        weights = holder.get("skills") or {}
        if old in weights:
            weights[new] = weights.pop(old)
