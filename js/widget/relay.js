// Relay the room's window messages to Python, trusting only our own iframe.

const ACTIONS = new Set(["interviewLoaded", "interviewFinished", "interviewAlreadyCompleted"]);

// Keep only the fields Python reads, with their expected types.
export function cleanEvent(data) {
  if (!data || typeof data !== "object" || Array.isArray(data)) return null;
  if (data.source !== "oc-interview" || typeof data.action !== "string") return null;
  const event = { source: data.source, action: data.action };
  if (typeof data.sessionId === "string") event.sessionId = data.sessionId;
  if (typeof data.score === "number" && Number.isFinite(data.score)) event.score = data.score;
  event.known = ACTIONS.has(data.action);
  return event;
}

// Listen for messages from `iframe` only; returns nothing, stops with `signal`.
export function relayEvents({ iframe, origin, signal, onEvent }) {
  window.addEventListener(
    "message",
    (message) => {
      if (message.source !== iframe.contentWindow || message.origin !== origin) return;
      const event = cleanEvent(message.data);
      if (event) onEvent(event);
    },
    { signal },
  );
}
