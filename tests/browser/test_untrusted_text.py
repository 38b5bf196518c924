"""What the front ends render from hostile text stays text, in Chromium.

The room (a catalogue, an answer, code output and the report), the widget
(picker, notices, result), the whiteboard and the classroom grid are each fed
the payloads of ``tests/hostile.py``; each would set ``window.__pwned`` if it ran.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server import LocalService
from ipyinterview.server.content import load_library

from ..helpers import Room
from ..hostile import IMG, LINK, PAYLOADS, SCRIPT, SVG, hostile_catalogue, mixed
from .widget_page import open_widget, widget_server, widget_state

#: Elements or attributes that only a payload could have made.
MADE_BY_PAYLOAD = "img[src='x'], svg[onload], [onerror], [onload], [onmouseover], b"


def assert_nothing_ran(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("window.__pwned") is None
    assert page.locator(MADE_BY_PAYLOAD).count() == 0
    assert page.locator("body script").count() == page.evaluate(
        "document.querySelectorAll('body script[type]').length"
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """A service whose catalogue is hostile text; its client and the texts."""
    folder = tmp_path_factory.mktemp("hostile")
    texts = hostile_catalogue(folder / "catalogue")
    with (
        LocalService(
            db_path=folder / "db.sqlite", catalogue_dir=folder / "catalogue"
        ) as service,
        Client(api_key=service.api_key, base_url=service.base_url) as client,
    ):
        yield client, texts


def hostile_code() -> str:
    """Code that prints a payload, returns one for a test and raises one."""
    return (
        f"P = {mixed()!r}\n"
        "def pair_sum(nums, target):\n"
        "    print(P)\n"
        "    if target == 9:\n"
        "        return P\n"
        "    raise ValueError(P)\n"
    )


def test_the_room_shows_catalogue_answers_and_output_as_text(page, hostile) -> None:  # type: ignore[no-untyped-def]
    client, texts = hostile
    user = client.create_user(mixed(IMG, SVG), "h@example.com", external_id="h1")
    created = client.create_session(user.token, "dsa-1", mode="chat")
    page.goto(created.room_url(user.token))
    page.locator(".transcript .turn").first.wait_for(timeout=20_000)

    expect(page.locator(".room-header h1")).to_have_text(texts["code_title"])
    expect(page.locator(".room-header .persona")).to_contain_text(texts["persona"])
    expect(page.locator(".work h2")).to_have_text(texts["problem_title"])
    expect(page.locator(".statement code")).to_have_text(IMG)
    expect(page.locator(".transcript")).to_contain_text(texts["intro"])
    assert page.title() == texts["code_title"]

    page.fill("textarea.answer", mixed())
    page.click("form.reply button[type=submit]")
    expect(page.locator(".turn.candidate").last).to_contain_text(mixed())

    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(hostile_code())
    page.click("button.run")
    expect(page.locator(".output")).to_contain_text(mixed(), timeout=20_000)
    tests = page.locator(".tests")
    expect(tests.locator(".test.fail .detail")).to_contain_text(SCRIPT)
    expect(tests.locator(".test.error .detail").first).to_contain_text(SVG)
    assert_nothing_ran(page)

    page.click("button.finish")
    report = page.locator(".report")
    expect(report.locator(".skills")).to_contain_text(texts["skill"], timeout=20_000)
    expect(report.locator("h1")).to_have_text(texts["code_title"])
    assert_nothing_ran(page)


def test_the_picker_notices_and_result_show_text(page, hostile) -> None:  # type: ignore[no-untyped-def]
    client, texts = hostile
    catalogue = client.catalogue().to_wire()
    state = widget_state(catalogue, error=mixed())
    with widget_server(state) as url:
        open_widget(page, url)

        expect(page.locator(".ipyi-error")).to_have_text(mixed())
        card = page.locator(".ipyi-card[data-interview='dsa-1']")
        expect(card.locator(".ipyi-card-title")).to_have_text(texts["code_title"])
        expect(card.locator(".ipyi-card-blurb")).to_have_text(texts["blurb"])
        expect(card.locator(".ipyi-card-skills")).to_contain_text(texts["skill"])
        expect(page.locator(".ipyi-track h4").first).to_have_text(texts["track"])
        persona = page.locator("select[name=persona] option").first
        expect(persona).to_contain_text(texts["persona"])
        card.click()
        expect(page.locator(".ipyi-chosen")).to_have_text(texts["code_title"])
        page.fill(".ipyi-search", SCRIPT)
        assert_nothing_ran(page)

        report = {
            "score": 40,
            "verdict": mixed(),
            "skills": [{"name": payload, "score": 40} for payload in PAYLOADS],
        }
        page.evaluate(
            "(report) => { window.model.set('report', report);"
            " window.model.set('status', 'finished'); }",
            report,
        )
        expect(page.locator(".ipyi-verdict")).to_have_text(mixed())
        skills = page.locator(".ipyi-skills li > span:first-child").all_inner_texts()
        assert skills == list(PAYLOADS)
        assert_nothing_ran(page)


@pytest.mark.parametrize(
    "address",
    [LINK, "data:text/html,<script>parent.__pwned = 1</script>", "vbscript:x"],
)
def test_a_room_address_that_is_not_http_is_neither_framed_nor_linked(
    page, address: str
) -> None:  # type: ignore[no-untyped-def]
    catalogue = load_library().catalogue().to_wire()
    state = widget_state(catalogue, status="active", room_url=address, load_timeout=1)
    with widget_server(state) as url:
        open_widget(page, url)
        page.wait_for_timeout(300)

        assert page.locator("iframe").count() == 0
        assert page.locator("a[href]").count() == 0
        expect(page.locator(".ipyi-notice")).to_contain_text("Opening the room")
        assert_nothing_ran(page)


def test_the_classroom_grid_shows_names_and_verdicts_as_text(page) -> None:  # type: ignore[no-untyped-def]
    rows = [
        {
            "key": payload,
            "name": payload,
            "status": payload,
            "score": 50,
            "verdict": mixed(),
            "skills": {payload: 50},
        }
        for payload in PAYLOADS
    ]
    state = {
        "rows": rows,
        "skills": list(PAYLOADS),
        "polling": True,
        "error": mixed(),
        "interview_id": mixed(SVG),
    }
    with widget_server(state, bundle="classroom") as url:
        open_widget(page, url)

        grid = page.locator(".ipyc")
        expect(grid.locator(".ipyc-error")).to_have_text(mixed())
        expect(grid.locator(".ipyc-summary")).to_contain_text(mixed(SVG))
        names = grid.locator("tbody .ipyc-name").all_inner_texts()
        assert names == list(PAYLOADS)
        heads = grid.locator("thead th").all_inner_texts()
        assert heads[3:-1] == list(PAYLOADS)
        expect(grid.locator(".ipyc-verdict").first).to_have_text(mixed())
        assert grid.locator("tr.ipyc-todo").count() == len(PAYLOADS)
        assert_nothing_ran(page)


def test_the_hostile_catalogue_is_valid(tmp_path: Path) -> None:
    texts = hostile_catalogue(tmp_path / "catalogue")

    library = load_library(tmp_path / "catalogue")

    assert library.interviews["dsa-1"].title == texts["code_title"]


def test_whiteboard_labels_and_links_stay_inert(
    page, client: Client, user: User
) -> None:  # type: ignore[no-untyped-def]
    created = client.create_session(user.token, "sd-1", mode="chat")
    url = created.room_url(user.token)
    box = {"x": 300, "y": 200, "width": 220, "height": 90}
    elements = [
        {
            "id": "box",
            "type": "rectangle",
            **box,
            "link": LINK,
            "boundElements": [{"id": "label", "type": "text"}],
        },
        {
            "id": "label",
            "type": "text",
            "x": 310,
            "y": 230,
            "width": 200,
            "height": 25,
            "text": mixed(IMG, SVG),
            "originalText": mixed(IMG, SVG),
            "containerId": "box",
        },
    ]
    assert Room(url).post("board", {"elements": elements}).status_code == 200
    page.set_viewport_size({"width": 1500, "height": 1000})
    page.goto(url)
    page.locator(".excalidraw canvas").first.wait_for(timeout=30_000)
    board = page.locator(".board").bounding_box()

    page.mouse.click(board["x"] + 410, board["y"] + 205)

    # Selected, the box shows its link: Excalidraw neutralises javascript: URLs.
    expect(page.locator(".excalidraw").get_by_text("about:blank")).to_be_visible()
    assert page.locator("a[href^='javascript:']").count() == 0
    assert_nothing_ran(page)
