// The ipyinterview widget: picker → interview room iframe → result.
import "./widget.css";
import { h } from "../shared/dom.js";
import { renderPicker } from "./picker.js";
import { relayEvents } from "./relay.js";

function renderResult(model) {
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
  return h(
    "div",
    { class: "ipyi-result", role: "region", "aria-label": "Interview result" },
    h("div", { class: "ipyi-score" }, String(model.get("score") ?? report.score ?? "–")),
    h("p", { class: "ipyi-verdict" }, report.verdict ?? ""),
    skills.length ? h("ul", { class: "ipyi-skills" }, skills) : null,
    h("button", { type: "button", class: "ipyi-back", onclick: () => model.send({ kind: "back" }) }, "Back to catalogue"),
  );
}

function renderRoom(model, controller, sequence) {
  const url = model.get("room_url");
  const iframe = h("iframe", {
    class: "ipyi-frame",
    src: url,
    title: "Interview room",
    allow: "microphone; autoplay",
    allowfullscreen: true,
    style: `height: ${model.get("height")}`,
  });
  relayEvents({
    iframe,
    // Derived from the iframe's own URL: localhost and 127.0.0.1 differ.
    origin: new URL(url, window.location.href).origin,
    signal: controller.signal,
    onEvent: (event) => model.send({ kind: "event", seq: sequence.next(), event }),
  });
  return h("div", { class: "ipyi-room" }, iframe);
}

function render({ model, el }) {
  let controller = new AbortController();
  let counter = 0;
  const sequence = { next: () => ++counter };
  el.classList.add("ipyi");

  const draw = () => {
    // Each draw replaces the previous one's listeners.
    controller.abort();
    controller = new AbortController();
    const status = model.get("status");
    let body;
    if (status === "active" && model.get("room_url")) body = renderRoom(model, controller, sequence);
    else if (status === "finished") body = renderResult(model);
    else body = renderPicker(model, () => model.send({ kind: "start" }));
    el.replaceChildren(body);
  };

  const names = ["catalogue", "interview_id", "persona_id", "mode", "grade", "status", "room_url", "error", "report"];
  for (const name of names) model.on(`change:${name}`, draw);
  draw();

  return () => {
    controller.abort();
    for (const name of names) model.off(`change:${name}`, draw);
  };
}

export default { render };
