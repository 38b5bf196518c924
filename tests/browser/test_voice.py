"""Voice mode in Chromium: a fake microphone fed from a WAV file, and no microphone."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from ipyinterview import Client
from ipyinterview.models import User
from ipyinterview.server.speech import synthesize

from .conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng speaks the recorded answer"
)

# Counts what the interviewer says aloud.
COUNT_SPEECH = """
window.spokenLines = [];
const speakLine = window.speechSynthesis.speak.bind(window.speechSynthesis);
window.speechSynthesis.speak = (utterance) => {
  window.spokenLines.push(utterance.text);
  return speakLine(utterance);
};
"""


def launch(playwright, args: list[str]):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=args
    )


@pytest.fixture(scope="module")
def answer_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("voice")
    path = folder / "answer.wav"
    path.write_bytes(synthesize("I listened to my teammate and we tested both ideas"))
    return path


@pytest.fixture(scope="module")
def playwright(answer_wav: Path) -> Iterator[object]:
    os.environ.setdefault("XDG_CONFIG_HOME", str(answer_wav.parent))
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def chromium_with_microphone(playwright, answer_wav: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    args = [*CHROMIUM_ARGS, f"--use-file-for-fake-audio-capture={answer_wav}"]
    browser = launch(playwright, args)
    yield browser
    browser.close()


@pytest.fixture(scope="module")
def chromium_without_microphone(playwright) -> Iterator[object]:  # type: ignore[no-untyped-def]
    # No fake media flags: the permission prompt is refused in headless mode.
    browser = launch(playwright, [a for a in CHROMIUM_ARGS if "fake" not in a])
    yield browser
    browser.close()


def voice_room(browser, client: Client, user: User):  # type: ignore[no-untyped-def]
    created = client.create_session(user.token, "beh-1", mode="voice")
    page = browser.new_page()
    page.add_init_script(COUNT_SPEECH)
    page.goto(created.room_url(user.token))
    page.locator(".transcript .turn").first.wait_for(timeout=20_000)
    return page


def test_a_spoken_answer_is_transcribed_into_the_interview(
    chromium_with_microphone, client: Client, user: User
) -> None:  # type: ignore[no-untyped-def]
    page = voice_room(chromium_with_microphone, client, user)

    page.click("button.record")
    page.wait_for_timeout(3500)
    page.click("button.record")
    expect(page.locator("textarea.answer")).not_to_have_value("", timeout=20_000)
    heard = page.input_value("textarea.answer")
    page.click(".reply button[type=submit]")

    expect(page.locator(".turn.candidate").last).to_contain_text(heard[:20])
    assert page.evaluate("window.spokenLines.length") >= 1, "the interviewer spoke"
    page.close()


def test_a_refused_microphone_falls_back_to_typing(
    chromium_without_microphone, client: Client, user: User
) -> None:  # type: ignore[no-untyped-def]
    page = voice_room(chromium_without_microphone, client, user)

    page.click("button.record")

    expect(page.locator(".voice-note")).to_contain_text(
        "type your answers", timeout=10_000
    )
    expect(page.locator("button.record")).to_be_hidden()
    page.fill("textarea.answer", "I would have typed this instead.")
    page.click(".reply button[type=submit]")
    expect(page.locator(".turn.candidate").last).to_contain_text("typed this instead")
    page.close()
