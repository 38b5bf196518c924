// Relay the room's window messages to Python, trusting only our own iframe.

const ACTIONS = new Set(["interviewLoaded", "interviewFinished", "interviewAlreadyCompleted"]);

function isPlainObject(value) {
  return value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype;
}

// Keep only the fields Python reads, when each has its expected type and the
// event is about `sessionId`; anything else is not a room event (null).
// Fields besides these are dropped, so the room may add some without harm.
export function cleanEvent(data, sessionId) {
  if (!isPlainObject(data)) return null;
  if (data.source !== "oc-interview" || typeof data.action !== "string") return null;
  if (typeof data.sessionId !== "string" || data.sessionId !== sessionId) return null;
  const hasScore = data.score !== undefined && data.score !== null;
  if (hasScore && !(typeof data.score === "number" && Number.isFinite(data.score))) return null;
  const event = { source: data.source, action: data.action, sessionId: data.sessionId };
  if (hasScore) event.score = data.score;
  event.known = ACTIONS.has(data.action);
  return event;
}

// Listen for messages from `iframe` only, at exactly `origin`, about the
// session `sessionId()` names now; returns nothing, stops with `signal`.
export function relayEvents({ iframe, origin, sessionId, signal, onEvent }) {
  window.addEventListener(
    "message",
    (message) => {
      if (message.source !== iframe.contentWindow || message.origin !== origin) return;
      const event = cleanEvent(message.data, sessionId());
      if (event) onEvent(event);
    },
    { signal },
  );
}
