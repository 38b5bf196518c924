// The code editor (CodeMirror 6) with a language switch.
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { sql } from "@codemirror/lang-sql";
import { Compartment, EditorState } from "@codemirror/state";
import { EditorView, basicSetup } from "codemirror";

const LANGUAGES = { python: () => python(), javascript: () => javascript(), sql: () => sql() };

export function createEditor(parent, { language, doc, onPaste, onChange }) {
  const mode = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        basicSetup,
        mode.of(LANGUAGES[language]()),
        EditorView.domEventHandlers({ paste: () => onPaste?.() }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange?.();
        }),
        EditorView.contentAttributes.of({ "aria-label": "Code editor" }),
      ],
    }),
  });
  return {
    view,
    get code() {
      return view.state.doc.toString();
    },
    setLanguage(next, code) {
      view.dispatch({
        effects: mode.reconfigure(LANGUAGES[next]()),
        changes: { from: 0, to: view.state.doc.length, insert: code },
      });
    },
    destroy() {
      view.destroy();
    },
  };
}
