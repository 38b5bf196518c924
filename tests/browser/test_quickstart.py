"""The quickstart in real JupyterLab and Chromium: picker → room → report in Python."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from playwright.sync_api import expect

from ipyinterview import Client

from ..helpers import read_interview
from .conftest import ARTIFACTS, Lab, open_notebook, run_in_kernel

SOLUTION = read_interview("dsa-1")["problem"]["solutions"]["python"]
ANSWER = (
    "Linear time, O(n): one pass over the list with constant-time hash map "
    "lookups, and O(n) extra space for the map."
)
DOCS = Path(__file__).parents[2] / "docs"
ROOM_STATE = """
import json
print(json.dumps({
    "status": room.status,
    "id": room.session_id,
    "score": room.score,
    "actions": [e["action"] for e in room.events],
    "seqs": [e["seq"] for e in room.events],
    "url": room.room_url,
}))
"""


def replace_code(page, room, code: str) -> None:  # type: ignore[no-untyped-def]
    """Replace the editor's text as a person would: select all, then type."""
    editor = room.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)
    expect(editor).to_contain_text(code.strip().splitlines()[-1].strip())


def test_a_coding_interview_from_picker_to_report(page, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    open_notebook(page, lab, "01-quickstart.ipynb")

    # The picker: tracks, persona and mode; choose the coding interview.
    page.wait_for_selector(".ipyi-track", timeout=60_000)
    assert page.locator(".ipyi-track").count() >= 4
    assert page.locator("select[name=persona] option").count() == 3
    page.click("[data-interview='dsa-1']")
    page.screenshot(path=str(ARTIFACTS / "picker.png"))
    page.click(".ipyi-start")

    # The room: greeting, problem, editor with the visible tests.
    room = page.frame_locator("iframe.ipyi-frame")
    room.locator(".cm-content").wait_for(timeout=30_000)
    assert "Maya" in room.locator(".transcript").inner_text()
    assert room.locator(".tests .test").count() == 5
    replace_code(page, room, SOLUTION)
    room.locator("button.run").click()
    room.locator(".tests .test.pass").nth(4).wait_for(timeout=30_000)
    assert room.locator(".tests .test.pass").count() == 5

    # The follow-up question, answered in chat, then Finish.
    room.locator(".turn.interviewer", has_text="complexity").wait_for()
    page.screenshot(path=str(ARTIFACTS / "quickstart.png"))
    room.locator("textarea.answer").fill(ANSWER)
    room.locator(".reply button[type=submit]").click()
    room.locator(".turn.candidate", has_text="Linear time").wait_for()
    room.locator("button.finish").click()
    room_score = room.locator(".report .score").inner_text(timeout=30_000)
    assert room.locator(".report .verdict").inner_text()

    # The kernel saw interviewFinished and fetched the report server-side.
    widget_score = page.locator(".ipyi-result .ipyi-score").inner_text(timeout=30_000)
    page.wait_for_selector(".jp-OutputArea-output:has-text('Report received')")
    seen = json.loads(run_in_kernel(page, ROOM_STATE))
    key = (lab.home / "local-api-key").read_text().strip()
    base_url = run_in_kernel(page, "print(room.client.base_url)").strip()
    with Client(api_key=key, base_url=base_url) as client:
        login = run_in_kernel(page, "import getpass; print(getpass.getuser())").strip()
        user = client.create_user(
            login, f"{login}@localhost", external_id=f"notebook:{login}"
        )
        served = client.get_session(user.token, seen["id"])

    assert seen["status"] == "finished"
    assert seen["actions"] == ["interviewLoaded", "interviewFinished"]
    assert seen["seqs"] == [1, 2]
    assert seen["score"] == served.score == int(room_score) == int(widget_score)
    assert seen["url"] == "", "the token-bearing room URL is cleared once finished"

    # The next cell turns the report into DataFrames.
    frames = run_in_kernel(
        page,
        "s = frames.skills_frame([room.session]); print(len(s), list(s.columns))",
    )
    assert frames.startswith("2 ['session_id', 'skill', 'score']")
    page.screenshot(path=str(ARTIFACTS / "finished.png"))
    if os.environ.get("IPYINTERVIEW_UPDATE_DOCS"):
        # The README's screenshot, refreshed on request only (it is tracked).
        shutil.copy(ARTIFACTS / "quickstart.png", DOCS / "quickstart.png")
