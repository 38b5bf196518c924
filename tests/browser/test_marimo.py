"""A smoke test in marimo: the widget through mo.ui.anywidget, picker to room."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ipyinterview.server.process import free_port

APP = """
import marimo

app = marimo.App()


@app.cell
def _():
    import marimo as mo
    from ipyinterview import InterviewRoom

    room = mo.ui.anywidget(InterviewRoom())
    room
    return


if __name__ == "__main__":
    app.run()
"""


def test_the_widget_runs_in_marimo(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("marimo")
    (tmp_path / "app.py").write_text(APP)
    port = free_port()
    env = {**os.environ, "IPYINTERVIEW_HOME": str(tmp_path / "home")}
    command = [
        sys.executable,
        "-m",
        "marimo",
        "run",
        "app.py",
        "--headless",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-token",
    ]
    server = subprocess.Popen(
        command,
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        for _ in range(200):
            try:
                httpx.get(url)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        page.goto(url)
        page.wait_for_selector(".ipyi-card", timeout=60_000)
        page.click("[data-interview='beh-1']")
        page.click(".ipyi-start")
        room = page.frame_locator("iframe.ipyi-frame")
        room.locator(".transcript .turn").first.wait_for(timeout=30_000)

        assert "Maya" in room.locator(".transcript").inner_text()
    finally:
        server.terminate()
        server.wait(timeout=10)
