"""JupyterLab started for the tests, and Chromium (Debian's) driven by Playwright."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

CHROMIUM = os.environ.get("IPYINTERVIEW_CHROMIUM", "/usr/bin/chromium")
NOTEBOOKS = Path(__file__).parents[2] / "notebooks"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Lab:
    """A running JupyterLab: its URL, its notebook folder and its environment."""

    url: str
    root: Path
    home: Path

    def kernels(self) -> list[dict]:
        return httpx.get(f"{self.url}/api/kernels").json()

    def wait_for_kernel(self, timeout: float = 60) -> None:
        """Wait until a kernel is idle with a connected client."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = [
                k
                for k in self.kernels()
                if k["execution_state"] == "idle" and k["connections"] > 0
            ]
            if ready:
                return
            time.sleep(0.25)
        raise TimeoutError(f"no kernel became ready: {self.kernels()}")


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on a free port, with private config, data and settings folders."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (bash .ci/test does)"
        )
    base = tmp_path_factory.mktemp("lab")
    root, home = base / "notebooks", base / "ipyinterview-home"
    shutil.copytree(NOTEBOOKS, root)
    settings = base / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_DATA_DIR": str(base / "data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "IPYTHONDIR": str(base / "ipython"),
        "IPYINTERVIEW_HOME": str(home),
    }
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--allow-root",
        "--LabApp.expose_app_in_browser=True",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.disable_check_xsrf=True",
    ]
    log = (base / "lab.log").open("w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/status").status_code == 200:
                break
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError((base / "lab.log").read_text()[-3000:])
        time.sleep(0.2)
    yield Lab(url=url, root=root, home=home)
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


# Module scope: Playwright's sync API keeps an event loop running in this thread
# while it lives, which other tests' own event loops must not meet.
@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium")
    os.environ.setdefault("XDG_CONFIG_HOME", str(profile))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if report.when == "call":
        item.stash[FAILED] = report.failed


FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser: object, request: pytest.FixtureRequest) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    console: list[str] = []
    page.on(
        "console", lambda message: console.append(f"{message.type}: {message.text}")
    )
    yield page
    if request.node.stash.get(FAILED, False):
        # What the browser showed and said when the test failed.
        ARTIFACTS.mkdir(exist_ok=True)
        name = request.node.name
        page.screenshot(path=str(ARTIFACTS / f"failed-{name}.png"), full_page=True)
        (ARTIFACTS / f"failed-{name}.console.txt").write_text("\n".join(console))
    context.close()


KERNEL_EXEC = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({ code, store_history: false });
  let out = "";
  future.onIOPub = (msg) => {
    const type = msg.header.msg_type;
    if (type === "stream") out += msg.content.text;
    if (type === "error") out += `ERROR ${msg.content.ename}: ${msg.content.evalue}`;
  };
  await future.done;
  return out;
}"""


def run_in_kernel(page: object, code: str) -> str:
    """Run code in the current notebook's kernel; return what it printed."""
    return str(page.evaluate(KERNEL_EXEC, code))  # type: ignore[attr-defined]


def open_notebook(page: object, lab: Lab, name: str) -> None:
    """Open a notebook in JupyterLab, wait for its kernel, run all cells."""
    page.goto(f"{lab.url}/lab/tree/{name}?reset")  # type: ignore[attr-defined]
    page.wait_for_selector(".jp-NotebookPanel", timeout=60_000)  # type: ignore[attr-defined]
    lab.wait_for_kernel()
    # Not awaited: awaiting the command can hang page.evaluate.
    page.evaluate(  # type: ignore[attr-defined]
        "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
    )
