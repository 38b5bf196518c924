// Voice mode: the interviewer speaks (captions stay in the transcript) and the
// candidate answers by voice. Answers are recorded in the page as 16 kHz mono
// WAV and transcribed by the service, or by the browser's own recognition when
// the service has no engine. The text lands in the answer box, editable, and
// is sent only when the candidate sends it. Without a microphone the room says
// so and the candidate types; the interview goes on.

import { h } from "../shared/dom.js";

const RATE = 16000;
const MAX_SECONDS = 60;

export function speak(text) {
  if (!("speechSynthesis" in window) || !text) return;
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}

export function stopSpeaking() {
  if ("speechSynthesis" in window) window.speechSynthesis.cancel();
}

function downsample(chunks, fromRate) {
  const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  const joined = new Float32Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.length;
  }
  const ratio = fromRate / RATE;
  const out = new Int16Array(Math.floor(length / ratio));
  for (let i = 0; i < out.length; i++) {
    const sample = Math.max(-1, Math.min(1, joined[Math.floor(i * ratio)]));
    out[i] = sample < 0 ? sample * 0x8000 : sample * 0x7fff;
  }
  return out;
}

function wav(samples) {
  const buffer = new ArrayBuffer(44 + samples.length * 2);
  const view = new DataView(buffer);
  const text = (at, value) => [...value].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  text(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, RATE, true);
  view.setUint32(28, RATE * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, "data");
  view.setUint32(40, samples.length * 2, true);
  new Int16Array(buffer, 44).set(samples);
  return new Blob([buffer], { type: "audio/wav" });
}

export function microphoneProblem(err) {
  if (err?.name === "NotAllowedError" || err?.name === "SecurityError") {
    return "The microphone is blocked for this room, so type your answers instead; the interview goes on.";
  }
  if (err?.name === "NotFoundError") {
    return "No microphone was found, so type your answers instead; the interview goes on.";
  }
  return `The microphone could not start (${err?.message ?? err}); type your answers instead.`;
}

// Records from the microphone; stop() resolves to a WAV blob.
export class Recorder {
  async start() {
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.context = new AudioContext();
    const source = this.context.createMediaStreamSource(this.stream);
    // ScriptProcessor keeps this in one file; the audio is small and short.
    this.node = this.context.createScriptProcessor(4096, 1, 1);
    this.chunks = [];
    this.node.onaudioprocess = (event) => {
      this.chunks.push(new Float32Array(event.inputBuffer.getChannelData(0)));
    };
    source.connect(this.node);
    this.node.connect(this.context.destination);
    this.limit = setTimeout(() => this.onLimit?.(), MAX_SECONDS * 1000);
  }

  async stop() {
    clearTimeout(this.limit);
    this.node?.disconnect();
    for (const track of this.stream?.getTracks() ?? []) track.stop();
    const rate = this.context?.sampleRate ?? RATE;
    await this.context?.close();
    return wav(downsample(this.chunks ?? [], rate));
  }
}

// The browser's own recognition (needs its vendor's service in Chromium).
export function browserRecognition() {
  const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  return Recognition ? new Recognition() : null;
}

// The record button and its notes, in the room's chat column (voice mode).
export class VoiceAnswers {
  constructor(room, speech) {
    this.room = room;
    this.speech = speech;
    this.note = h("p", { class: "voice-note", role: "status" });
    this.button = h("button", { type: "button", class: "record", onclick: () => this.toggle() }, "🎙 Record answer");
    this.el = h("div", { class: "voice" }, this.button, this.note);
    this.note.textContent = "Voice mode: press Record, answer aloud, then Stop. Edit the text if needed and Send.";
  }

  async toggle() {
    if (this.recognition) {
      this.recognition.stop();
      return;
    }
    if (this.recorder) {
      const recorder = this.recorder;
      this.recorder = null;
      this.button.textContent = "🎙 Record answer";
      this.button.classList.remove("recording");
      const audio = await recorder.stop();
      await this.room.guard("Transcribing your answer…", async () => {
        // The service says why nothing was heard (silence) in a note of its own.
        const { text, note } = await this.room.api.transcribe(audio);
        this.addToAnswer(text ?? "", note ?? "No words were heard; try again closer to the microphone, or type.");
      });
      return;
    }
    stopSpeaking();
    if (this.speech === "browser") return this.recognize();
    const recorder = new Recorder();
    try {
      await recorder.start();
    } catch (err) {
      return this.noMicrophone(err);
    }
    recorder.onLimit = () => this.toggle();
    this.recorder = recorder;
    this.button.textContent = "⏹ Stop and transcribe";
    this.button.classList.add("recording");
    this.note.textContent = "Recording… press Stop when you have answered.";
  }

  recognize() {
    const recognition = browserRecognition();
    if (!recognition) {
      return this.noMicrophone({ message: "this browser has no speech recognition" });
    }
    recognition.lang = "en-US";
    recognition.onresult = (event) => {
      const text = [...event.results].map((result) => result[0].transcript).join(" ");
      this.addToAnswer(text, "No words were heard; try again, or type.");
    };
    recognition.onerror = (event) =>
      this.noMicrophone({ name: event.error === "not-allowed" ? "NotAllowedError" : "", message: event.error });
    recognition.onend = () => {
      this.recognition = null;
      this.button.textContent = "🎙 Record answer";
    };
    this.recognition = recognition;
    this.button.textContent = "⏹ Stop";
    recognition.start();
  }

  addToAnswer(text, ifEmpty) {
    if (!text.trim()) {
      this.note.textContent = ifEmpty;
      return;
    }
    this.room.input.value = [this.room.input.value.trim(), text.trim()].filter(Boolean).join(" ");
    this.note.textContent = "Check the transcript, edit it if needed, then Send.";
    this.room.input.focus();
  }

  noMicrophone(err) {
    this.button.hidden = true;
    this.note.textContent = microphoneProblem(err);
    this.note.classList.add("warning");
    this.room.input.focus();
  }
}
