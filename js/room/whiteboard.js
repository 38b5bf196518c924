// The system-design whiteboard: Excalidraw in the room, autosaved to the session.
// Loaded by the room only for design interviews; its fonts come from the
// service (EXCALIDRAW_ASSET_PATH), never from a CDN.
import "@excalidraw/excalidraw/index.css";
import { Excalidraw } from "@excalidraw/excalidraw";
import { createElement } from "react";
import { createRoot } from "react-dom/client";

const SAVE_AFTER_MS = 1200;

// Only what grading and redrawing need, for the elements still on the board.
function kept(elements) {
  return elements.filter((element) => !element.isDeleted);
}

export function mountWhiteboard(parent, { elements, save }) {
  let timer = null;
  let last = JSON.stringify(kept(elements ?? []).map((e) => [e.id, e.version]));
  const onChange = (next) => {
    const signature = JSON.stringify(kept(next).map((e) => [e.id, e.version]));
    if (signature === last) return;
    last = signature;
    clearTimeout(timer);
    timer = setTimeout(() => save(kept(next)), SAVE_AFTER_MS);
  };
  const root = createRoot(parent);
  root.render(
    createElement(Excalidraw, {
      initialData: { elements: elements ?? [], appState: { viewBackgroundColor: "#ffffff" } },
      onChange,
      UIOptions: { canvasActions: { loadScene: false, saveToActiveFile: false, export: false } },
    }),
  );
  return () => {
    clearTimeout(timer);
    root.unmount();
  };
}
