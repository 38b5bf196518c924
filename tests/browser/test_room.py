"""The room in Chromium, opened on its own: resume after reload, grades, Finish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ipyinterview import Client
from ipyinterview.models import User


@pytest.fixture
def open_room_page(page, client: Client, user: User):  # type: ignore[no-untyped-def]
    def _open(interview: str, **kwargs: object) -> object:
        created = client.create_session(user.token, interview, mode="chat", **kwargs)
        page.goto(created.room_url(user.token))
        page.locator(".transcript .turn").first.wait_for(timeout=20_000)
        return page

    return _open


def test_a_reload_resumes_with_everything_typed(open_room_page) -> None:  # type: ignore[no-untyped-def]
    page = open_room_page("dsa-1")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("def pair_sum(nums, target):\n    return [42]\n")
    page.click("button.run")
    expect(page.locator(".turn.run")).to_have_count(1)
    page.fill("textarea.answer", "my half-typed thought")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("# still editing\n")
    page.wait_for_timeout(1500)  # the draft is saved a second after typing stops
    turns_before = page.locator(".transcript .turn").all_inner_texts()

    page.reload()
    page.locator(".transcript .turn").first.wait_for()

    assert page.locator(".transcript .turn").all_inner_texts() == turns_before
    expect(page.locator(".cm-content")).to_contain_text("# still editing")
    expect(page.locator("textarea.answer")).to_have_value("my half-typed thought")


def test_two_grades_ask_different_questions(open_room_page) -> None:  # type: ignore[no-untyped-def]
    page = open_room_page("k12-math-1", grade="Grade 3")
    grade3 = page.locator(".turn.interviewer").last.inner_text()
    page = open_room_page("k12-math-1", grade="Grade 8")
    grade8 = page.locator(".turn.interviewer").last.inner_text()

    assert grade3 != grade8


def test_finish_pressed_during_a_run_finishes_after_it(open_room_page) -> None:  # type: ignore[no-untyped-def]
    page = open_room_page("dsa-1")
    page.locator(".cm-content").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(
        "def pair_sum(nums, target):\n    while True:\n        pass\n"
    )

    page.click("button.submit")
    page.click("button.finish")

    expect(page.locator(".report .score")).to_be_visible(timeout=30_000)


def test_a_room_finished_elsewhere_shows_the_report_on_next_action(
    open_room_page,
) -> None:  # type: ignore[no-untyped-def]
    page = open_room_page("beh-1")
    page.evaluate(
        "fetch(`${location.pathname.split('/').pop()}/finish`, {method: 'POST',"
        " headers: {'X-Room-Token': JSON.parse(document.getElementById('room-config')"
        ".textContent).roomToken}})"
    )
    page.wait_for_timeout(500)

    page.fill("textarea.answer", "one more thing")
    page.click(".reply button[type=submit]")

    expect(page.locator(".report .score")).to_be_visible(timeout=10_000)
