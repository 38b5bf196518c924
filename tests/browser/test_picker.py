"""The picker in Chromium: categories, filters, search, keyboard, grades, Start."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from ipyinterview.server.content import load_library

from .widget_page import open_widget, widget_server, widget_state

CATALOGUE = load_library().catalogue().to_wire()


@pytest.fixture
def picker(page) -> Iterator[object]:  # type: ignore[no-untyped-def]
    with widget_server(widget_state(CATALOGUE)) as url:
        open_widget(page, url)
        yield page


def card_count(page) -> int:  # type: ignore[no-untyped-def]
    return int(page.locator(".ipyi-card:visible").count())


def test_tracks_are_grouped_by_category(picker) -> None:  # type: ignore[no-untyped-def]
    categories = picker.locator(".ipyi-category h3").all_inner_texts()

    assert categories == ["Technical", "Non-technical", "K12"]
    assert picker.locator(".ipyi-track").count() == len(CATALOGUE["tracks"])
    total = sum(len(items) for items in CATALOGUE["interviews"].values())
    assert card_count(picker) == total


def test_search_and_filters_narrow_the_cards(picker) -> None:  # type: ignore[no-untyped-def]
    picker.fill(".ipyi-search", "hash")
    hashed = card_count(picker)
    picker.fill(".ipyi-search", "")
    picker.select_option("select[name=level]", "Hard")
    hard = picker.locator(".ipyi-card:visible .ipyi-card-meta").all_inner_texts()
    picker.select_option("select[name=kind]", "k12")
    picker.fill(".ipyi-search", "no such interview anywhere")

    assert 0 < hashed < 10
    assert hard
    assert all(meta.startswith("Hard") for meta in hard)
    assert card_count(picker) == 0
    expect(picker.locator(".ipyi-empty")).to_be_visible()


def test_keyboard_moves_between_cards_and_chooses(picker) -> None:  # type: ignore[no-untyped-def]
    first = picker.locator(".ipyi-card").first
    first.focus()
    picker.keyboard.press("ArrowRight")
    second_id = picker.evaluate("document.activeElement.dataset.interview")
    picker.keyboard.press("Enter")

    assert second_id
    assert picker.evaluate("window.model.get('interview_id')") == second_id
    expect(picker.locator(f"[data-interview='{second_id}']")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_a_grade_interview_keeps_start_disabled_until_a_grade(picker) -> None:  # type: ignore[no-untyped-def]
    start = picker.locator(".ipyi-start")
    expect(start).to_be_disabled()
    expect(picker.locator("select[name=grade]")).to_be_hidden()

    picker.click("[data-interview='k12-math-1']")
    expect(start).to_be_disabled()
    expect(picker.locator(".ipyi-hint")).to_have_text("Choose a grade to start.")
    picker.select_option("select[name=grade]", "Grade 4")
    expect(start).to_be_enabled()
    start.click()

    assert picker.evaluate("window.model.get('grade')") == "Grade 4"
    assert picker.evaluate("window.sent") == [{"kind": "start"}]


def test_user_text_is_shown_as_text(page) -> None:  # type: ignore[no-untyped-def]
    hostile = json.loads(json.dumps(CATALOGUE))
    card = hostile["interviews"]["dsa"][0]
    card["title"] = "<img src=x onerror=window.pwned=1>"
    with widget_server(widget_state(hostile)) as url:
        open_widget(page, url)

        expect(page.locator(".ipyi-card-title").first).to_have_text(card["title"])
        assert page.evaluate("window.pwned") is None
