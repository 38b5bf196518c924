"""The classroom notebook in real JupyterLab and Chromium: live grid, CSV export."""

from __future__ import annotations

import csv
import io

from playwright.sync_api import expect

from .conftest import ARTIFACTS, Lab, open_notebook


def test_the_grid_shows_finished_students_and_exports_the_gradebook(  # type: ignore[no-untyped-def]
    page, lab: Lab
) -> None:
    open_notebook(page, lab, "02-classroom.ipynb")
    page.wait_for_selector(
        ".jp-OutputArea-output:has-text('Gradebook saved')", timeout=90_000
    )

    grid = page.locator(".ipyc")
    rows = grid.locator("tbody tr.ipyc-row")
    expect(rows).to_have_count(3)
    expect(grid.locator("tr.ipyc-done")).to_have_count(2, timeout=30_000)
    names = rows.locator(".ipyc-name").all_inner_texts()
    assert names == ["Ada Lovelace", "Grace <Hopper>", "Alan Turing"]
    assert grid.locator("hopper").count() == 0, "names are text, not markup"
    scores = grid.locator("tr.ipyc-done .ipyc-score").all_inner_texts()
    assert all(score.isdigit() for score in scores)
    assert grid.locator("thead th").all_inner_texts()[3:5] == [
        "Communication",
        "Ownership",
    ]
    expect(grid.locator(".ipyc-summary")).to_contain_text("2/3 finished")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "classroom.png"))

    with page.expect_download() as caught:
        grid.locator("button.ipyc-export").click()
    download = caught.value
    text = download.path().read_text(encoding="utf-8")

    assert download.suggested_filename.startswith("gradebook-beh-1-")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [row["name"] for row in table] == names
    assert [row["status"] for row in table] == ["finished", "finished", "not started"]
    assert [row["score"] for row in table[:2]] == scores
    assert "userApiToken" not in text
    expect(grid.locator("button.ipyc-export")).to_be_enabled()
