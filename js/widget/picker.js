// The catalogue picker: filters and search over interview cards grouped by
// category and track, then persona, mode, grade and Start.
// Built once per view; selections and filters update it in place, so a
// keystroke in the search box touches only the cards' visibility.
import { h } from "../shared/dom.js";

const CATEGORIES = [
  ["technical", "Technical"],
  ["non-technical", "Non-technical"],
  ["k12", "K12"],
];
const LEVELS = ["Easy", "Medium", "Hard"];
const MODES = [
  ["chat", "Chat"],
  ["voice", "Voice"],
];

function options(select, items, placeholder) {
  const chosen = select.value;
  select.replaceChildren(
    ...(placeholder ? [h("option", { value: "" }, placeholder)] : []),
    ...items.map(([value, text]) => h("option", { value }, text)),
  );
  select.value = items.some(([value]) => value === chosen) ? chosen : placeholder ? "" : (items[0]?.[0] ?? "");
}

function field(label, control) {
  return h("label", { class: "ipyi-field" }, h("span", {}, label), control);
}

export class Picker {
  constructor(model, onStart) {
    this.model = model;
    this.cards = new Map();
    this.search = h("input", {
      type: "search",
      class: "ipyi-search",
      placeholder: "Search interviews, skills…",
      "aria-label": "Search interviews",
      oninput: () => this.applyFilters(),
    });
    this.filters = {
      track: h("select", { name: "track", onchange: () => this.applyFilters() }),
      level: h("select", { name: "level", onchange: () => this.applyFilters() }),
      kind: h("select", { name: "kind", onchange: () => this.applyFilters() }),
      skill: h("select", { name: "skill", onchange: () => this.applyFilters() }),
    };
    const save = (name) => (event) => {
      model.set(name, event.target.value);
      model.save_changes();
    };
    this.persona = h("select", { name: "persona", onchange: save("persona_id") });
    this.mode = h("select", { name: "mode", onchange: save("mode") });
    options(this.mode, MODES);
    this.grade = h("select", { name: "grade", onchange: save("grade") });
    this.gradeField = field("Grade", this.grade);
    this.chosen = h("div", { class: "ipyi-chosen" });
    this.start = h("button", { type: "button", class: "ipyi-start", onclick: onStart }, "Start interview");
    this.hint = h("span", { class: "ipyi-hint", role: "status" });
    this.error = h("p", { class: "ipyi-error", role: "alert", hidden: true });
    this.empty = h("p", { class: "ipyi-empty", hidden: true }, "No interview matches these filters.");
    this.list = h("div", { class: "ipyi-tracks", onkeydown: (event) => this.onKey(event) });
    this.el = h(
      "div",
      { class: "ipyi-picker" },
      h(
        "div",
        { class: "ipyi-choices" },
        this.chosen,
        field("Interviewer", this.persona),
        field("Mode", this.mode),
        this.gradeField,
        this.start,
        this.hint,
      ),
      this.error,
      h(
        "div",
        { class: "ipyi-filters" },
        this.search,
        field("Track", this.filters.track),
        field("Level", this.filters.level),
        field("Kind", this.filters.kind),
        field("Skill", this.filters.skill),
      ),
      this.empty,
      this.list,
    );
    this.rebuild();
  }

  // The catalogue changed: cards and filter options are made anew.
  rebuild() {
    const catalogue = this.model.get("catalogue") ?? {};
    const tracks = catalogue.tracks ?? [];
    const interviews = catalogue.interviews ?? {};
    this.byId = new Map();
    this.cards.clear();
    const sections = [];
    for (const [cat, title] of [...CATEGORIES, ...this.otherCategories(tracks)]) {
      const inCategory = tracks.filter((track) => track.cat === cat);
      if (!inCategory.length) continue;
      const trackSections = inCategory.map((track) => {
        const cards = (interviews[track.id] ?? []).map((item) => this.card(item, track));
        return h(
          "section",
          { class: "ipyi-track", "data-track": track.id },
          h("h4", {}, track.name),
          h("div", { class: "ipyi-cards" }, cards),
        );
      });
      sections.push(h("section", { class: "ipyi-category", "data-category": cat }, h("h3", {}, title), trackSections));
    }
    this.list.replaceChildren(
      ...(sections.length ? sections : [h("p", {}, "The catalogue is empty or could not be loaded.")]),
    );
    const all = [...this.byId.values()];
    const unique = (values) => [...new Set(values)].sort();
    options(
      this.filters.track,
      tracks.map((t) => [t.id, t.name]),
      "All tracks",
    );
    options(
      this.filters.level,
      LEVELS.filter((level) => all.some((i) => i.level === level)).map((l) => [l, l]),
      "All levels",
    );
    options(
      this.filters.kind,
      unique(all.map((i) => i.kind)).map((k) => [k, k]),
      "All kinds",
    );
    options(
      this.filters.skill,
      unique(all.flatMap((i) => i.skills ?? [])).map((s) => [s, s]),
      "All skills",
    );
    options(
      this.persona,
      (catalogue.personas ?? []).map((p) => [p.id, `${p.name} — ${p.title}`]),
    );
    this.applyFilters();
    this.update();
  }

  otherCategories(tracks) {
    const known = new Set(CATEGORIES.map(([cat]) => cat));
    return [...new Set(tracks.map((t) => t.cat).filter((cat) => !known.has(cat)))].map((cat) => [cat, cat]);
  }

  card(item, track) {
    this.byId.set(item.id, item);
    const el = h(
      "button",
      {
        type: "button",
        class: "ipyi-card",
        "data-interview": item.id,
        "aria-pressed": "false",
        onclick: () => this.choose(item),
      },
      h("span", { class: "ipyi-card-title" }, item.title),
      h("span", { class: "ipyi-card-meta" }, `${item.level} · ${item.mins} min · ${item.kind}`),
      h("span", { class: "ipyi-card-blurb" }, item.blurb ?? ""),
      h("span", { class: "ipyi-card-skills" }, (item.skills ?? []).join(" · ")),
      item.grades?.length
        ? h("span", { class: "ipyi-card-grades" }, `${item.grades[0]} – ${item.grades.at(-1)}`)
        : null,
    );
    const text = [item.title, item.blurb, item.kind, item.level, track.name, ...(item.skills ?? [])]
      .join(" ")
      .toLowerCase();
    this.cards.set(item.id, { el, item, track: track.id, text });
    return el;
  }

  choose(item) {
    this.model.set("interview_id", item.id);
    if (!(item.grades ?? []).includes(this.model.get("grade"))) this.model.set("grade", "");
    this.model.save_changes();
  }

  applyFilters() {
    const words = this.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    const { track, level, kind, skill } = Object.fromEntries(
      Object.entries(this.filters).map(([name, select]) => [name, select.value]),
    );
    const visibleTracks = new Set();
    for (const card of this.cards.values()) {
      const { item } = card;
      const show =
        (!track || card.track === track) &&
        (!level || item.level === level) &&
        (!kind || item.kind === kind) &&
        (!skill || (item.skills ?? []).includes(skill)) &&
        words.every((word) => card.text.includes(word));
      if (card.el.hidden === show) card.el.hidden = !show;
      if (show) visibleTracks.add(card.track);
    }
    for (const section of this.list.querySelectorAll(".ipyi-track")) {
      section.hidden = !visibleTracks.has(section.dataset.track);
    }
    for (const section of this.list.querySelectorAll(".ipyi-category")) {
      section.hidden = !section.querySelector(".ipyi-track:not([hidden])");
    }
    this.empty.hidden = visibleTracks.size > 0 || this.cards.size === 0;
  }

  // Arrow keys move between the visible cards; Enter and Space choose (buttons).
  onKey(event) {
    const moves = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
      Home: Number.NEGATIVE_INFINITY,
      End: Number.POSITIVE_INFINITY,
    };
    if (!(event.key in moves) || !event.target.classList?.contains("ipyi-card")) return;
    const visible = [...this.list.querySelectorAll(".ipyi-card")].filter((el) => !el.closest("[hidden]"));
    const here = visible.indexOf(event.target);
    const step = moves[event.key];
    const next = Number.isFinite(step) ? here + step : step < 0 ? 0 : visible.length - 1;
    visible[Math.max(0, Math.min(visible.length - 1, next))]?.focus();
    event.preventDefault();
  }

  // Selections, status or error changed: reflect them in place.
  update() {
    const model = this.model;
    const chosenId = model.get("interview_id");
    for (const [id, card] of this.cards) {
      const selected = id === chosenId;
      card.el.classList.toggle("selected", selected);
      card.el.setAttribute("aria-pressed", String(selected));
    }
    const chosen = this.byId.get(chosenId);
    this.chosen.textContent = chosen ? chosen.title : "No interview chosen";
    this.persona.value = model.get("persona_id");
    this.mode.value = model.get("mode");
    const grades = chosen?.grades ?? [];
    this.gradeField.hidden = grades.length === 0;
    if (grades.length && this.grade.dataset.for !== chosenId) {
      options(
        this.grade,
        grades.map((g) => [g, g]),
        "Choose a grade…",
      );
      this.grade.dataset.for = chosenId;
    }
    this.grade.value = model.get("grade");

    const status = model.get("status");
    let hint = "";
    if (!chosen) hint = "Choose an interview below.";
    else if (grades.length && !model.get("grade")) hint = "Choose a grade to start.";
    this.hint.textContent = hint;
    this.start.disabled = Boolean(hint) || status === "starting";
    this.start.textContent = status === "starting" ? "Starting…" : "Start interview";
    const error = model.get("error");
    this.error.hidden = !error;
    this.error.textContent = error;
  }
}
