"""A design interview in Chromium: three components drawn on the whiteboard."""

from __future__ import annotations

from playwright.sync_api import expect

from ipyinterview import Client
from ipyinterview.models import User


def draw_box(page, board, x: float, y: float, label: str) -> None:  # type: ignore[no-untyped-def]
    """Draw a rectangle with the mouse, then type its label inside it."""
    page.locator("label[title^='Rectangle']").click()
    page.mouse.move(board["x"] + x, board["y"] + y)
    page.mouse.down()
    page.mouse.move(board["x"] + x + 140, board["y"] + y + 70, steps=5)
    page.mouse.up()
    page.mouse.dblclick(board["x"] + x + 70, board["y"] + y + 35)
    page.keyboard.type(label)
    page.keyboard.press("Escape")


def draw_arrow(page, board, start: tuple, end: tuple) -> None:  # type: ignore[no-untyped-def]
    page.locator("label[title^='Arrow']").click()
    page.mouse.move(board["x"] + start[0], board["y"] + start[1])
    page.mouse.down()
    page.mouse.move(board["x"] + end[0], board["y"] + end[1], steps=8)
    page.mouse.up()
    page.keyboard.press("Escape")


def test_three_components_drawn_are_graded(page, client: Client, user: User) -> None:  # type: ignore[no-untyped-def]
    created = client.create_session(user.token, "sd-1", mode="chat")
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(created.room_url(user.token))
    page.locator(".excalidraw canvas").first.wait_for(timeout=30_000)
    box = page.locator(".board").bounding_box()

    # Clear of Excalidraw's toolbar (top) and style panel (left), which float
    # over the canvas while a tool is active.
    draw_box(page, box, 280, 160, "API server")
    draw_box(page, box, 560, 160, "Redis cache")
    draw_box(page, box, 560, 380, "Postgres database")
    draw_arrow(page, box, (425, 195), (565, 195))
    draw_arrow(page, box, (350, 235), (570, 415))
    page.wait_for_timeout(2500)  # autosave runs 1.2 s after drawing stops
    page.screenshot(path="test-artifacts/whiteboard.png")
    expect(page.locator(".board-note")).to_contain_text("Saved (", timeout=10_000)
    page.reload()
    page.locator(".excalidraw canvas").first.wait_for(timeout=30_000)
    page.click("button.finish")
    expect(page.locator(".report .score")).to_be_visible(timeout=30_000)
    report = client.get_session(user.token, created.session.id).feedback

    board = next(q for q in report.questions if q.q.startswith("Whiteboard"))
    assert "API servers" in board.answer
    assert "Cache" in board.answer
    assert "Key-value store" in board.answer
    assert "->" in board.answer, "the arrows connect the components"
    outside = [
        u for u in requests if not u.startswith(("http://127.0.0.1", "data:", "blob:"))
    ]
    assert outside == [], "the whiteboard loads nothing from outside (no CDN)"
