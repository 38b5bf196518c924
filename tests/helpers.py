"""Helpers shared by tests: catalogue files and a room driven over HTTP."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx

CATALOGUE = Path(__file__).parents[1] / "src" / "ipyinterview" / "server" / "catalogue"


def read_interview(interview_id: str) -> dict[str, Any]:
    """Return an interview's catalogue file."""
    return json.loads((CATALOGUE / "interviews" / f"{interview_id}.json").read_text())


class Room:
    """Drives a session's room over HTTP as the room page does."""

    def __init__(self, page_url: str) -> None:
        page = httpx.get(page_url)
        page.raise_for_status()
        self.page = page
        found = re.search(
            r'id="room-config" type="application/json">(.*?)</script>', page.text
        )
        assert found, "the room page carries its configuration"
        self.config = json.loads(found.group(1))
        self.base = page_url.split("?")[0]
        self.headers = {"X-Room-Token": self.config["roomToken"]}

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.base}/{path}", headers=self.headers)

    def post_bytes(self, path: str, data: bytes, content_type: str) -> httpx.Response:
        headers = {**self.headers, "Content-Type": content_type}
        return httpx.post(f"{self.base}/{path}", headers=headers, content=data)

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return httpx.post(f"{self.base}/{path}", headers=self.headers, json=body or {})
