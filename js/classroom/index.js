// The classroom grid: a row per student, refreshed from Python, and a gradebook export.
import "./grid.css";
import { h } from "../shared/dom.js";

const STATUS_CLASS = { "not started": "todo", "in progress": "doing", finished: "done" };

function scoreCell(value) {
  return h("td", { class: "ipyc-num" }, value ?? "–");
}

function renderRow(row, skills) {
  const status = String(row.status ?? "");
  return h(
    "tr",
    { class: `ipyc-row ipyc-${STATUS_CLASS[status] ?? "todo"}`, "data-key": row.key },
    h("th", { scope: "row", class: "ipyc-name" }, row.name ?? ""),
    h("td", { class: "ipyc-status" }, status),
    h("td", { class: "ipyc-num ipyc-score" }, row.score ?? "–"),
    skills.map((skill) => scoreCell(row.skills?.[skill])),
    h("td", { class: "ipyc-verdict" }, row.verdict ?? ""),
  );
}

function renderTable(model) {
  const rows = model.get("rows") ?? [];
  const skills = model.get("skills") ?? [];
  const head = h(
    "tr",
    {},
    ["Student", "Status", "Score", ...skills, "Verdict"].map((label) => h("th", { scope: "col" }, label)),
  );
  return h(
    "table",
    { class: "ipyc-table" },
    h("thead", {}, head),
    h(
      "tbody",
      {},
      rows.map((row) => renderRow(row, skills)),
    ),
  );
}

function summary(model) {
  const rows = model.get("rows") ?? [];
  const done = rows.filter((row) => row.status === "finished").length;
  const polling = model.get("polling") ? "live" : "stopped";
  const interview = model.get("interview_id") || "no interview assigned";
  return `${interview} · ${done}/${rows.length} finished · ${polling}`;
}

// Save text as a file through a temporary link; the object URL is released after.
function download(text, filename) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = h("a", { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function render({ model, el }) {
  const controller = new AbortController();
  const { signal } = controller;
  let requests = 0;
  const pending = new Set();

  const status = h("span", { class: "ipyc-summary", role: "status" });
  const error = h("p", { class: "ipyc-error", role: "alert" });
  const exportButton = h("button", { type: "button", class: "ipyc-export" }, "Export gradebook (CSV)");
  const tableSlot = h("div", { class: "ipyc-scroll" });
  el.classList.add("ipyc");
  el.replaceChildren(h("div", { class: "ipyc-bar" }, status, exportButton), error, tableSlot);

  exportButton.addEventListener(
    "click",
    () => {
      const id = ++requests;
      pending.add(id);
      exportButton.disabled = true;
      model.send({ kind: "export", id });
    },
    { signal },
  );

  const onMessage = (message) => {
    if (!message || message.kind !== "gradebook" || !pending.has(message.id)) return;
    pending.delete(message.id);
    exportButton.disabled = pending.size > 0;
    if (typeof message.error === "string") error.textContent = message.error;
    else if (typeof message.csv === "string") download(message.csv, String(message.filename || "gradebook.csv"));
  };

  const draw = () => {
    status.textContent = summary(model);
    error.textContent = model.get("error") ?? "";
    tableSlot.replaceChildren(renderTable(model));
  };

  const names = ["rows", "skills", "polling", "error", "interview_id"];
  for (const name of names) model.on(`change:${name}`, draw);
  model.on("msg:custom", onMessage);
  draw();

  return () => {
    controller.abort();
    for (const name of names) model.off(`change:${name}`, draw);
    model.off("msg:custom", onMessage);
  };
}

export default { render };
