// Voice mode: the interviewer speaks (captions stay in the transcript) and the
// candidate answers by voice. Answers are recorded in the page as 16 kHz mono
// WAV and transcribed by the service, or by the browser's own recognition when
// the service has no engine. The text lands in the answer box, editable, and
// is sent only when the candidate sends it. Without a microphone the room says
// so and the candidate types; the interview goes on.

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
