// The design interview's whiteboard: Excalidraw, loaded on demand from the
// service (with its fonts), autosaved to the session.
import { h } from "../shared/dom.js";

export function boardSection(room) {
  const canvas = h("div", { class: "board", "aria-label": "Whiteboard" });
  const note = h("p", { class: "board-note", role: "status" }, "Loading the whiteboard…");
  const section = h(
    "section",
    { class: "work whiteboard" },
    h("h2", {}, "Whiteboard"),
    h(
      "p",
      { class: "hint" },
      "Draw the components as labelled boxes and connect them with arrows. It saves as you draw.",
    ),
    canvas,
    note,
  );
  loadBoard(room, canvas, note);
  return section;
}

async function loadBoard(room, canvas, note) {
  const assets = new URL("../../static/", window.location.href);
  window.EXCALIDRAW_ASSET_PATH = new URL("excalidraw/", assets).href;
  const css = h("link", { rel: "stylesheet", href: new URL("whiteboard.css", assets).href });
  document.head.append(css);
  try {
    const { mountWhiteboard } = await import(new URL("whiteboard.js", assets).href);
    room.unmountBoard = mountWhiteboard(canvas, {
      elements: room.state.board ?? [],
      save: (elements) =>
        room.api
          .call("board", { elements })
          .then(() => {
            note.textContent = `Saved (${elements.length} elements).`;
          })
          .catch((err) => {
            note.textContent = `Not saved: ${err.message}`;
          }),
    });
    note.textContent = "";
  } catch (err) {
    note.textContent = `The whiteboard could not load (${err.message}); describe your design in the chat.`;
  }
}
