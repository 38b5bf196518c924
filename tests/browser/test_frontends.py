"""The widget in Jupyter Notebook 7, and awaiting the report from a running cell."""

from __future__ import annotations

from playwright.sync_api import expect

from .conftest import Lab

AWAIT_REPORT = """
import asyncio
session = await asyncio.wait_for(room.finished(), timeout=60)
print("awaited", session.score)
"""

START_AWAIT = """(code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  window.awaited = "";
  const future = kernel.requestExecute({ code, store_history: false });
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === "stream") window.awaited += msg.content.text;
    const type = msg.header.msg_type;
    if (type === "error") window.awaited += `ERROR ${msg.content.evalue}`;
  };
}"""


def test_notebook_7_runs_the_quickstart(page, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{lab.url}/notebooks/01-quickstart.ipynb")
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    lab.wait_for_kernel()
    page.get_by_role("menuitem", name="Run").click()
    page.click("li[data-command='runmenu:run-all']")

    page.wait_for_selector(".ipyi-card", timeout=60_000)
    page.click("[data-interview='beh-1']")
    page.click(".ipyi-start")
    room = page.frame_locator("iframe.ipyi-frame")
    room.locator(".transcript .turn").first.wait_for(timeout=30_000)
    room.locator("textarea.answer").fill(
        "We disagreed on an API; I listened and we tested both."
    )
    room.locator(".reply button[type=submit]").click()
    room.locator("button.finish").click()

    expect(page.locator(".ipyi-result .ipyi-score")).to_be_visible(timeout=30_000)
    expect(page.locator(".jp-RenderedText", has_text="Report received")).to_be_visible()


def test_awaiting_the_report_in_a_running_cell(page, lab: Lab) -> None:  # type: ignore[no-untyped-def]
    from .conftest import open_notebook

    open_notebook(page, lab, "01-quickstart.ipynb")
    page.wait_for_selector(".ipyi-card", timeout=60_000)
    page.click("[data-interview='beh-1']")
    page.click(".ipyi-start")
    room = page.frame_locator("iframe.ipyi-frame")
    room.locator(".transcript .turn").first.wait_for(timeout=30_000)

    page.evaluate(START_AWAIT, AWAIT_REPORT)
    room.locator("button.finish").click()

    page.wait_for_function("window.awaited.length > 0", timeout=30_000)
    assert page.evaluate("window.awaited").startswith("awaited ")
