// The ipyinterview widget: picker → interview room iframe → result.
import "./widget.css";
import { h } from "../shared/dom.js";
import { Picker } from "./picker.js";
import { relayEvents } from "./relay.js";

function renderResult(model, { compact }) {
  const report = model.get("report") ?? {};
  const skills = (report.skills ?? []).map((skill) =>
    h(
      "li",
      {},
      h("span", {}, skill.name),
      h("span", { class: "ipyi-bar" }, h("span", { style: `width: ${Math.max(0, Math.min(100, skill.score ?? 0))}%` })),
      h("span", {}, skill.score ?? "–"),
    ),
  );
  const back = h(
    "button",
    { type: "button", class: "ipyi-back", onclick: () => model.send({ kind: "back" }) },
    "Back to catalogue",
  );
  const score = h("div", { class: "ipyi-score" }, String(model.get("score") ?? report.score ?? "–"));
  const verdict = h("p", { class: "ipyi-verdict" }, report.verdict ?? "");
  const region = { role: "region", "aria-label": "Interview result" };
  // Above a live room, whose own report shows the details: one line.
  if (compact) return h("div", { class: "ipyi-result compact", ...region }, score, verdict, back);
  return h(
    "div",
    { class: "ipyi-result", ...region },
    score,
    verdict,
    skills.length ? h("ul", { class: "ipyi-skills" }, skills) : null,
    back,
  );
}

// Why a room may not show, in words, with what to do.
function likelyCause(roomUrl) {
  const room = new URL(roomUrl, window.location.href);
  if (window.location.protocol === "https:" && room.protocol === "http:") {
    return [
      `This notebook is served over https and the room over http (${room.origin}): the browser blocks it.`,
      "Serve the room over https, or through the notebook server (jupyter-server-proxy).",
    ].join(" ");
  }
  return [
    `The room at ${room.origin} did not answer. Either the service is not reachable from this browser`,
    `(check that it runs and that this machine can open ${room.origin}), or it refuses to be framed by`,
    `${window.location.origin}: add that origin to IPYINTERVIEW_FRAME_ANCESTORS where the service runs.`,
    "Opening the room in a new tab works around framing.",
  ].join(" ");
}

// Only an http(s) address may become the iframe and the new-tab link: a
// javascript: or data: URL there would run in, or beside, the notebook.
function isWebUrl(url) {
  if (typeof url !== "string") return false;
  try {
    return ["http:", "https:"].includes(new URL(url, window.location.href).protocol);
  } catch {
    return false;
  }
}

function createFrame(model, url, signal, sequence) {
  const iframe = h("iframe", {
    class: "ipyi-frame",
    src: url,
    title: "Interview room",
    allow: "microphone; autoplay",
    allowfullscreen: true,
    style: `height: ${model.get("height")}`,
  });
  const notice = h("p", { class: "ipyi-notice", role: "alert", hidden: true });
  const mixed = window.location.protocol === "https:" && new URL(url, window.location.href).protocol === "http:";
  if (mixed) {
    notice.textContent = likelyCause(url);
    notice.hidden = false;
  }
  const timer = setTimeout(() => {
    notice.textContent = likelyCause(url);
    notice.hidden = false;
  }, model.get("load_timeout") * 1000);
  signal.addEventListener("abort", () => clearTimeout(timer));
  relayEvents({
    iframe,
    // Derived from the iframe's own URL: localhost and 127.0.0.1 differ.
    origin: new URL(url, window.location.href).origin,
    sessionId: () => model.get("session_id"),
    signal,
    onEvent: (event) => {
      if (event.action === "interviewLoaded" || event.action === "interviewAlreadyCompleted") {
        clearTimeout(timer);
        if (!mixed) notice.hidden = true;
      }
      model.send({ kind: "event", seq: sequence.next(), event });
    },
  });
  const toolbar = h(
    "div",
    { class: "ipyi-toolbar" },
    h(
      "button",
      { type: "button", class: "ipyi-back", onclick: () => model.send({ kind: "back" }) },
      "Back to catalogue",
    ),
    h("a", { class: "ipyi-newtab", href: url, target: "_blank", rel: "noopener noreferrer" }, "Open in a new tab ↗"),
  );
  return h("div", { class: "ipyi-live" }, toolbar, notice, iframe);
}

function render({ model, el }) {
  let counter = 0;
  const sequence = { next: () => ++counter };
  // The room's iframe lives in its own slot: moving an iframe reloads it, so the
  // picker or result above it changes without touching it.
  const top = h("div", { class: "ipyi-top" });
  const slot = h("div", { class: "ipyi-room" });
  let frame = null;
  // The room's address carries the user's token, so it is never widget state:
  // the kernel sends it to the views that ask, as a message.
  let roomUrl = "";
  let waiting = null;
  const controller = new AbortController();
  el.classList.add("ipyi");
  el.replaceChildren(top, slot);

  const removeFrame = () => {
    frame?.controller.abort();
    frame = null;
    slot.replaceChildren();
  };

  const askForRoom = () => {
    if (waiting) return;
    model.send({ kind: "open" });
    const note = h("p", { class: "ipyi-notice" }, "Opening the room…");
    slot.replaceChildren(note);
    waiting = setTimeout(() => {
      note.textContent =
        "The room's address comes from the kernel, which did not answer. " +
        "If this notebook was reopened, run the cell again to start a new interview.";
    }, model.get("load_timeout") * 1000);
  };

  let picker = null;

  const draw = () => {
    const status = model.get("status");
    if (status === "active") {
      if (!roomUrl) askForRoom();
      else if (frame?.url !== roomUrl) {
        removeFrame();
        const frameController = new AbortController();
        frame = {
          url: roomUrl,
          controller: frameController,
          node: createFrame(model, roomUrl, frameController.signal, sequence),
        };
        slot.replaceChildren(frame.node);
      }
      top.replaceChildren();
    } else if (status === "finished") {
      // A live room keeps showing its own report below the summary, without
      // the toolbar: the summary has its own way back.
      frame?.node.querySelector(".ipyi-toolbar")?.setAttribute("hidden", "");
      if (!frame) slot.replaceChildren();
      top.replaceChildren(renderResult(model, { compact: frame !== null }));
    } else {
      removeFrame();
      roomUrl = "";
      picker ??= new Picker(model, () => model.send({ kind: "start" }));
      picker.update();
      if (top.firstChild !== picker.el) top.replaceChildren(picker.el);
    }
  };
  const onMessage = (message) => {
    if (message?.kind !== "room" || !isWebUrl(message.url)) return;
    clearTimeout(waiting);
    waiting = null;
    roomUrl = message.url;
    draw();
  };
  const rebuild = () => {
    picker?.rebuild();
    draw();
  };

  const names = ["interview_id", "persona_id", "mode", "grade", "status", "error", "report"];
  for (const name of names) model.on(`change:${name}`, draw);
  model.on("change:catalogue", rebuild);
  model.on("msg:custom", onMessage);
  // Back from another tab (the room may have finished there): ask the kernel.
  window.addEventListener(
    "focus",
    () => {
      if (model.get("status") === "active") model.send({ kind: "refresh" });
    },
    { signal: controller.signal },
  );
  draw();

  return () => {
    controller.abort();
    clearTimeout(waiting);
    removeFrame();
    for (const name of names) model.off(`change:${name}`, draw);
    model.off("change:catalogue", rebuild);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
