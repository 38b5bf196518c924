// The catalogue picker: interviews grouped by track, persona, mode, grade, Start.
import { h } from "../shared/dom.js";

const CATEGORY_NAMES = { technical: "Technical", "non-technical": "Non-technical", k12: "K12" };

function interviewCard(model, interview) {
  const selected = model.get("interview_id") === interview.id;
  return h(
    "button",
    {
      type: "button",
      class: `ipyi-card${selected ? " selected" : ""}`,
      "aria-pressed": selected ? "true" : "false",
      "data-interview": interview.id,
      onclick: () => {
        model.set("interview_id", interview.id);
        const grades = interview.grades ?? [];
        if (!grades.includes(model.get("grade"))) model.set("grade", "");
        model.save_changes();
      },
    },
    h("span", { class: "ipyi-card-title" }, interview.title),
    h("span", { class: "ipyi-card-meta" }, `${interview.level} · ${interview.mins} min · ${interview.kind}`),
    h("span", { class: "ipyi-card-blurb" }, interview.blurb ?? ""),
    h("span", { class: "ipyi-card-skills" }, (interview.skills ?? []).join(" · ")),
  );
}

function findInterview(catalogue, id) {
  for (const items of Object.values(catalogue.interviews ?? {})) {
    const found = items.find((item) => item.id === id);
    if (found) return found;
  }
  return null;
}

function select(label, name, value, options, onChange) {
  return h(
    "label",
    { class: "ipyi-field" },
    h("span", {}, label),
    h(
      "select",
      { name, onchange: (event) => onChange(event.target.value) },
      options.map(([optionValue, text]) => h("option", { value: optionValue, selected: optionValue === value }, text)),
    ),
  );
}

export function renderPicker(model, onStart) {
  const catalogue = model.get("catalogue") ?? {};
  const tracks = catalogue.tracks ?? [];
  const groups = tracks.map((track) =>
    h(
      "section",
      { class: "ipyi-track", "data-track": track.id },
      h("h3", {}, track.name, h("small", {}, ` ${CATEGORY_NAMES[track.cat] ?? track.cat}`)),
      h(
        "div",
        { class: "ipyi-cards" },
        (catalogue.interviews?.[track.id] ?? []).map((item) => interviewCard(model, item)),
      ),
    ),
  );

  const chosen = findInterview(catalogue, model.get("interview_id"));
  const setAndSave = (name) => (value) => {
    model.set(name, value);
    model.save_changes();
  };
  const personas = (catalogue.personas ?? []).map((p) => [p.id, `${p.name} — ${p.title}`]);
  const fields = [
    select("Interviewer", "persona", model.get("persona_id"), personas, setAndSave("persona_id")),
    select(
      "Mode",
      "mode",
      model.get("mode"),
      [
        ["chat", "Chat"],
        ["voice", "Voice"],
      ],
      setAndSave("mode"),
    ),
  ];
  if (chosen?.grades?.length) {
    const grades = [["", "Choose a grade…"], ...chosen.grades.map((g) => [g, g])];
    fields.push(select("Grade", "grade", model.get("grade"), grades, setAndSave("grade")));
  }
  const status = model.get("status");
  let hint = "";
  if (!chosen) hint = "Choose an interview below.";
  else if (chosen.grades?.length && !model.get("grade")) hint = "Choose a grade to start.";
  const ready = !hint && status !== "starting";
  const start = h(
    "button",
    { type: "button", class: "ipyi-start", disabled: !ready, onclick: onStart },
    status === "starting" ? "Starting…" : "Start interview",
  );
  const error = model.get("error");

  return h(
    "div",
    { class: "ipyi-picker" },
    h(
      "div",
      { class: "ipyi-choices" },
      h("div", { class: "ipyi-chosen" }, chosen ? chosen.title : "No interview chosen"),
      fields,
      start,
      hint ? h("span", { class: "ipyi-hint" }, hint) : null,
    ),
    error ? h("p", { class: "ipyi-error", role: "alert" }, error) : null,
    h(
      "div",
      { class: "ipyi-tracks" },
      groups.length ? groups : h("p", {}, "The catalogue is empty or could not be loaded."),
    ),
  );
}
