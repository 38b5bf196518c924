// The interview room: conversation, code editor with tests, report screen.
// It posts lifecycle events to the parent window when the URL asks for them.
import "./room.css";
import { h, show } from "../shared/dom.js";
import { RoomApi } from "./api.js";
import { boardSection } from "./board.js";
import { createEditor } from "./editor.js";
import { VoiceAnswers, speak, stopSpeaking } from "./voice.js";

const LANGUAGE_NAMES = { python: "Python", javascript: "JavaScript", sql: "SQL" };
const root = document.getElementById("room");
// The service takes answers up to this many characters.
const MAX_ANSWER = 20000;
const config = JSON.parse(document.getElementById("room-config").textContent || "{}");

function post(action, extra = {}) {
  if (!config.events || window.parent === window) return;
  // The payload carries no secret, so any parent origin may receive it.
  window.parent.postMessage({ source: "oc-interview", action, sessionId: config.sessionId, ...extra }, "*");
}

function fail(message) {
  root.replaceChildren(
    h("div", { class: "room-error", role: "alert" }, h("h1", {}, "The room cannot open"), h("p", {}, message)),
  );
}

// `code` spans of a statement become <code> elements; the rest stays text.
function withCode(text) {
  return text.split("`").map((part, index) => (index % 2 ? h("code", {}, part) : part));
}

function formatClock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

class Room {
  constructor(api, state) {
    this.api = api;
    this.state = state;
    this.busy = false;
    this.results = new Map();
  }

  mount() {
    const { interview, persona } = this.state;
    this.timer = h("span", { class: "timer", "aria-label": "Time left" });
    this.finishButton = h("button", { class: "finish", type: "button", onclick: () => this.finish() }, "Finish");
    this.status = h("p", { class: "status", role: "status" });
    this.transcript = h("ol", { class: "transcript", "aria-label": "Conversation" });
    this.input = h("textarea", {
      class: "answer",
      rows: 3,
      placeholder: "Type your answer… (Ctrl+Enter sends)",
      "aria-label": "Your answer",
      maxlength: MAX_ANSWER,
      onpaste: () => this.api.integrity("paste"),
      oninput: () => {
        this.saveDraft();
        const full = this.input.value.length >= MAX_ANSWER;
        this.status.textContent = full ? `Answers are limited to ${MAX_ANSWER} characters.` : "";
      },
      onkeydown: (event) => {
        if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) this.send(event);
      },
    });
    this.sendButton = h("button", { type: "submit" }, "Send");
    const voice = config.mode === "voice";
    this.voice = voice ? new VoiceAnswers(this, config.speech) : null;
    const form = h("form", { class: "reply", onsubmit: (event) => this.send(event) }, this.input, this.sendButton);
    const chat = h("section", { class: "chat" }, this.transcript, this.voice?.el, form);
    const header = h(
      "header",
      { class: "room-header" },
      h(
        "div",
        {},
        h("h1", {}, interview.title),
        h(
          "span",
          { class: "persona" },
          [persona && `${persona.name} · ${persona.title}`, this.state.session.grade].filter(Boolean).join(" · "),
        ),
      ),
      h("div", { class: "controls" }, this.timer, this.finishButton),
    );
    const board = interview.design ? boardSection(this) : null;
    const work = interview.problem ? this.workspace(interview.problem) : board;
    const main = h("main", { class: work ? "split" : "single" }, work, chat);
    root.replaceChildren(header, this.status, main);
    this.input.value = this.state.draft?.answer ?? "";
    this.renderTurns();
    this.spoken = this.state.turns.length;
    if (voice) {
      const last = this.state.turns.findLast((turn) => turn.role === "interviewer");
      speak(last?.text);
    }
    this.tick();
    this.clock = setInterval(() => this.tick(), 1000);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") this.api.integrity("tab");
    });
  }

  workspace(problem) {
    const saved = this.state.code;
    const language = saved?.language ?? problem.languages[0];
    const picker = h(
      "select",
      {
        class: "language",
        "aria-label": "Language",
        onchange: () => this.editor.setLanguage(picker.value, problem.starter[picker.value]),
      },
      problem.languages.map((lang) =>
        h("option", { value: lang, selected: lang === language }, LANGUAGE_NAMES[lang] ?? lang),
      ),
    );
    this.picker = picker;
    this.testList = h("ol", { class: "tests", "aria-label": "Visible tests" });
    this.runButton = h("button", { class: "run", type: "button", onclick: () => this.run(false) }, "Run tests");
    this.submitButton = h("button", { class: "submit", type: "button", onclick: () => this.run(true) }, "Submit");
    this.runSummary = h("p", { class: "run-summary", role: "status" });
    this.output = h("pre", { class: "output", hidden: true });
    const editorBox = h("div", { class: "editor" });
    const section = h(
      "section",
      { class: "work" },
      h("h2", {}, problem.title),
      h("p", { class: "statement" }, withCode(problem.statement)),
      h("div", { class: "toolbar" }, picker, this.runButton, this.submitButton),
      editorBox,
      this.runSummary,
      this.testList,
      this.output,
      h(
        "p",
        { class: "hidden-note" },
        `${problem.hiddenCount} hidden tests also run when you submit and when you finish.`,
      ),
    );
    const draft = this.state.draft ?? {};
    const fromDraft = draft.code !== undefined && problem.languages.includes(draft.language);
    if (fromDraft) picker.value = draft.language;
    this.editor = createEditor(editorBox, {
      language: fromDraft ? draft.language : language,
      doc: fromDraft ? draft.code : (saved?.source ?? problem.starter[language]),
      onPaste: () => this.api.integrity("paste"),
      onChange: () => this.saveDraft(),
    });
    this.problem = problem;
    this.renderTests();
    return section;
  }

  renderTests() {
    const items = this.problem.tests.map((test, index) => {
      const result = this.results.get(index);
      const status = result?.status ?? "not run";
      const detail = [];
      if (result?.status === "fail")
        detail.push(h("div", { class: "detail" }, `expected ${show(test.expected)}, got ${show(result.got)}`));
      if (result?.error) detail.push(h("pre", { class: "detail" }, result.error));
      return h(
        "li",
        { class: `test ${status.replace(" ", "-")}`, "data-status": status },
        h("code", {}, `(${test.args.map(show).join(", ")}) → ${show(test.expected)}`),
        h("span", { class: "badge" }, status),
        detail,
      );
    });
    this.testList.replaceChildren(...items);
  }

  renderTurns() {
    const items = this.state.turns
      .filter((turn) => turn.kind !== "finish")
      .map((turn) => {
        if (turn.kind === "board") return h("li", { class: "turn run" }, "Started the whiteboard.");
        if (turn.kind === "run") {
          const data = turn.data ?? {};
          return h(
            "li",
            { class: "turn run" },
            `Ran the tests: ${data.passed}/${data.total} passed (${data.language}).`,
          );
        }
        const who = turn.role === "interviewer" ? (this.state.persona?.name ?? "Interviewer") : "You";
        return h("li", { class: `turn ${turn.role}` }, h("strong", {}, `${who}: `), turn.text);
      });
    this.transcript.replaceChildren(...items);
    if (config.mode === "voice" && this.spoken !== undefined) {
      for (const turn of this.state.turns.slice(this.spoken)) {
        if (turn.role === "interviewer") speak(turn.text);
      }
      this.spoken = this.state.turns.length;
    }
    this.transcript.lastElementChild?.scrollIntoView({ block: "end" });
  }

  tick() {
    const started = Date.parse(this.state.session.createdAt);
    const left = this.state.interview.mins * 60 - (Date.now() - started) / 1000;
    this.timer.textContent = left > 0 ? formatClock(left) : "Time is up";
    this.timer.classList.toggle("late", left < 60);
    if (left <= 0 && !this.state.done && !this.timeUpSent) {
      // The service checks the clock too, and moves the interview to its wrap-up.
      this.timeUpSent = true;
      this.api
        .call("timeup", {})
        .then((state) => {
          this.state = state;
          this.renderTurns();
        })
        .catch(() => {
          this.timeUpSent = false;
        });
    }
  }

  // What is typed but not sent is kept by the service, a second after typing stops.
  saveDraft() {
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => {
      const draft = { answer: this.input.value };
      if (this.editor) Object.assign(draft, { code: this.editor.code, language: this.picker.value });
      this.api.call("draft", draft).catch(() => undefined);
    }, 1000);
  }

  // One action at a time: the buttons that start one are disabled meanwhile.
  setBusy(busy) {
    this.busy = busy;
    root.classList.toggle("busy", busy);
    for (const button of [this.runButton, this.submitButton, this.sendButton]) {
      if (button) button.disabled = busy;
    }
  }

  async guard(label, work) {
    if (this.busy) return;
    this.setBusy(true);
    this.status.textContent = label;
    this.status.classList.remove("error");
    try {
      await work();
      this.status.textContent = "";
    } catch (err) {
      if (err.code === "session_completed") return this.finishedElsewhere();
      this.status.textContent = err.message;
      this.status.classList.add("error");
    } finally {
      this.setBusy(false);
    }
    if (this.finishQueued) {
      this.finishQueued = false;
      await this.finish();
    }
  }

  run(submit) {
    return this.guard(submit ? "Running all tests…" : "Running the visible tests…", async () => {
      const { run, state } = await this.api.run(this.picker.value, this.editor.code, submit);
      this.state = state;
      this.results = new Map(run.results.filter((r) => !r.hidden).map((r) => [r.index, r]));
      this.runSummary.textContent = `${run.passed}/${run.total} tests passed${submit ? " (visible and hidden)" : ""}${run.error ? ` — ${run.error}` : ""}.`;
      this.output.hidden = !run.output;
      this.output.textContent = run.output;
      this.renderTests();
      this.renderTurns();
    });
  }

  send(event) {
    event.preventDefault();
    const text = this.input.value.trim();
    if (!text) return undefined;
    return this.guard("Sending…", async () => {
      this.state = await this.api.answer(text);
      this.input.value = "";
      this.saveDraft();
      this.renderTurns();
    });
  }

  // Finished in another tab or window: show the report here too.
  async finishedElsewhere() {
    this.state = await this.api.state();
    this.showReport(this.state.session);
    post("interviewAlreadyCompleted", { score: this.state.session.score });
  }

  finish() {
    if (this.busy) {
      // Finish pressed during a run: finish as soon as the run ends.
      this.finishQueued = true;
      this.status.textContent = "Finishing as soon as the current step ends…";
      return undefined;
    }
    return this.guard("Scoring your interview…", async () => {
      this.state = await this.api.finish();
      const session = this.state.session;
      this.showReport(session);
      post("interviewFinished", { score: session.score });
    });
  }

  showReport(session) {
    clearInterval(this.clock);
    stopSpeaking();
    this.unmountBoard?.();
    this.editor?.destroy();
    const report = session.feedback ?? {};
    const list = (title, items) =>
      items?.length
        ? h(
            "section",
            {},
            h("h3", {}, title),
            h(
              "ul",
              {},
              items.map((item) => h("li", {}, item)),
            ),
          )
        : null;
    const skills = (report.skills ?? []).map((skill) =>
      h(
        "li",
        { class: "skill" },
        h("span", {}, skill.name),
        h("meter", { min: 0, max: 100, value: skill.score ?? 0 }),
        h("span", {}, skill.score ?? "–"),
      ),
    );
    root.replaceChildren(
      h(
        "div",
        { class: "report", role: "region", "aria-label": "Interview report" },
        h("h1", {}, this.state.interview.title),
        h("div", { class: "score", "aria-label": "Score" }, String(session.score ?? report.score ?? "–")),
        h("p", { class: "verdict" }, report.verdict ?? ""),
        skills.length ? h("ul", { class: "skills" }, skills) : null,
        list("Strengths", report.strengths),
        list("To improve", report.improvements),
      ),
    );
  }
}

async function main() {
  if (config.error) return fail(config.error);
  const api = new RoomApi(config.sessionId, config.roomToken);
  let state;
  try {
    state = await api.state();
  } catch (err) {
    return fail(err.message);
  }
  const room = new Room(api, state);
  if (state.session.status === "completed") {
    room.showReport(state.session);
    post("interviewAlreadyCompleted", { score: state.session.score });
    return undefined;
  }
  room.mount();
  post("interviewLoaded");
  return undefined;
}

main();
