"""The widget's front end alone in a page, with a stand-in for the kernel's model.

The stand-in implements the part of the anywidget model API the widget uses
(get, set, save_changes, on, off, send) and records what the widget sends, so
picker and relay behaviour is tested in a real browser without a kernel.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STATIC = Path(__file__).parents[2] / "src" / "ipyinterview" / "static"

#: Counts the window's live "message" listeners, including those an
#: AbortSignal removes, in ``window.messageListeners``.
COUNT_LISTENERS = """
window.messageListeners = 0;
const add = window.addEventListener.bind(window);
const remove = window.removeEventListener.bind(window);
window.addEventListener = (type, listener, options) => {
  if (type === "message") {
    window.messageListeners += 1;
    options?.signal?.addEventListener("abort", () => { window.messageListeners -= 1; });
  }
  return add(type, listener, options);
};
window.removeEventListener = (type, listener, options) => {
  if (type === "message") window.messageListeners -= 1;
  return remove(type, listener, options);
};
"""

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="__BUNDLE__.css"></head>
<body><div id="widget"></div>
<script type="module">
import widget from "./__BUNDLE__.js";
const state = __STATE__;
// The kernel's side of the room address: sent as a message when a view asks.
const roomUrl = state.room_url;
delete state.room_url;
const handlers = new Map();
window.sent = [];
window.model = {
  get: (name) => state[name],
  set: (name, value) => {
    state[name] = value;
    for (const cb of handlers.get(`change:${name}`) ?? []) cb();
  },
  save_changes: () => {},
  on: (event, cb) => handlers.set(event, [...(handlers.get(event) ?? []), cb]),
  off: (event, cb) =>
    handlers.set(event, (handlers.get(event) ?? []).filter((c) => c !== cb)),
  send: (content) => {
    window.sent.push(content);
    if (content.kind === "open" && roomUrl) {
      const message = { kind: "room", url: roomUrl };
      setTimeout(() => (handlers.get("msg:custom") ?? []).forEach((cb) => cb(message)));
    }
  },
};
const el = document.getElementById("widget");
window.cleanup = null;
window.renderAgain = () => {
  window.cleanup?.();
  window.cleanup = widget.render({ model: window.model, el });
};
window.renderAgain();
window.ready = true;
</script></body></html>
"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request."""

    def log_message(self, format: str, *args: Any) -> None:
        return None


def widget_state(catalogue: dict[str, Any], **traits: Any) -> dict[str, Any]:
    """Return widget traits as the kernel would first send them."""
    state = {
        "catalogue": catalogue,
        "interview_id": "",
        "persona_id": "maya",
        "mode": "chat",
        "grade": "",
        "status": "picking",
        "session_id": "",
        "room_url": "",
        "score": None,
        "report": {},
        "error": "",
        "height": "480px",
    }
    state.update(traits)
    return state


@contextmanager
def widget_server(state: dict[str, Any], *, bundle: str = "widget") -> Iterator[str]:
    """Serve a widget's page on 127.0.0.1; yield its URL.

    ``bundle`` names the front end: "widget" (the interview room) or
    "classroom" (the grid).
    """
    with tempfile.TemporaryDirectory(prefix="ipyinterview-widget-") as folder:
        root = Path(folder)
        for name in (f"{bundle}.js", f"{bundle}.css"):
            shutil.copy(STATIC / name, root / name)
        # "<" escaped: hostile text in the state must not close the page's script.
        data = json.dumps(state).replace("<", "\\u003c")
        page = PAGE.replace("__BUNDLE__", bundle).replace("__STATE__", data)
        (root / "index.html").write_text(page)
        handler = functools.partial(QuietHandler, directory=folder)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
        finally:
            server.shutdown()
            server.server_close()


def open_widget(page: Any, url: str) -> None:
    """Open the widget page and wait until the widget rendered."""
    page.add_init_script(COUNT_LISTENERS)
    page.goto(url)
    page.wait_for_function("window.ready === true")


def big_catalogue(count: int) -> dict[str, Any]:
    """Return a catalogue of ``count`` interviews over 10 tracks (for speed tests)."""
    tracks = [
        {
            "id": f"t{i}",
            "cat": ["technical", "non-technical", "k12"][i % 3],
            "name": f"Track {i}",
        }
        for i in range(10)
    ]
    words = [
        "graphs",
        "arrays",
        "caching",
        "queues",
        "sql",
        "fractions",
        "teams",
        "apis",
    ]
    interviews: dict[str, list[dict[str, Any]]] = {t["id"]: [] for t in tracks}
    for n in range(count):
        track = tracks[n % 10]["id"]
        interviews[track].append(
            {
                "id": f"i{n}",
                "title": f"Interview {n} on {words[n % 8]}",
                "level": ["Easy", "Medium", "Hard"][n % 3],
                "mins": 20 + n % 30,
                "kind": ["code", "design", "behavioural"][n % 3],
                "skills": [words[n % 8].title(), words[(n + 3) % 8].title()],
                "blurb": f"Practice {words[(n + 5) % 8]} with follow-ups.",
                "hasProblem": n % 2 == 0,
            }
        )
    personas = [{"id": "maya", "name": "Maya", "title": "Supportive coach"}]
    return {
        "status": "success",
        "personas": personas,
        "tracks": tracks,
        "interviews": interviews,
    }
