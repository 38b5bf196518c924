// Calls from the room page to its own service, authenticated by the room token.

export class RoomApi {
  constructor(sessionId, roomToken) {
    this.sessionId = sessionId;
    this.roomToken = roomToken;
  }

  url(path) {
    // The page lives at .../embed/ai-interviewer/<id>; its endpoints sit under it.
    return new URL(`${encodeURIComponent(this.sessionId)}/${path}`, window.location.href);
  }

  async call(path, body) {
    const init = {
      method: body === undefined ? "GET" : "POST",
      headers: { "X-Room-Token": this.roomToken, Accept: "application/json" },
    };
    if (body instanceof Blob) {
      init.headers["Content-Type"] = body.type;
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(this.url(path), init);
    } catch (err) {
      throw new Error(
        `The interview service cannot be reached (${err.message}). Check that it is running, then retry.`,
      );
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const message = data?.message ?? `The service answered HTTP ${response.status}.`;
      throw Object.assign(new Error(message), { code: data?.code });
    }
    return data;
  }

  state() {
    return this.call("state");
  }
  run(language, code, submit) {
    return this.call("run", { language, code, submit });
  }
  answer(text) {
    return this.call("answer", { text });
  }
  finish() {
    return this.call("finish", {});
  }
  transcribe(audio) {
    return this.call("transcribe", audio);
  }
  integrity(kind) {
    return this.call("integrity", { kind }).catch(() => undefined);
  }
}
