// @ts-check
/** Shows a client's connection state: the status pill, a detail line (with the reconnect countdown) and the log. */
import { clock, duration } from "./format.js";

/**
 * What the view needs from a client: `CrispRTM` and `HubClient` both fit.
 * @typedef {{ on: (name: any, listener: (payload: any) => void) => () => void }} LifecycleSource
 */

const STATE_TEXT = /** @type {Record<string, string>} */ ({
  idle: "Idle",
  discovering: "Discovering the endpoint (REST)…",
  connecting: "Opening the socket…",
  authenticating: "Authenticating…",
  closed: "Closed",
});

export class StateView {
  #pill;
  #text;
  #detail;
  #timeline;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #countdown;
  /** Attempts since the client was last ready: the first retry after a drop reads as attempt 1. */
  #attempts = 0;

  /**
   * @param {object} options
   * @param {HTMLElement} options.pill Gets `data-state`.
   * @param {HTMLElement} options.text The state's name inside the pill.
   * @param {HTMLElement} options.detail
   * @param {import("./timeline.js").Timeline} options.timeline
   */
  constructor({ pill, text, detail, timeline }) {
    this.#pill = pill;
    this.#text = text;
    this.#detail = detail;
    this.#timeline = timeline;
  }

  /**
   * Follows a client's lifecycle events until the returned function is called.
   * @param {LifecycleSource} client
   * @returns {() => void}
   */
  watch(client) {
    const offs = [
      client.on("rtm:state", ({ state }) => this.#onState(state)),
      client.on("rtm:ready", (info) => this.#onReady(info)),
      client.on("rtm:reconnecting", (info) => this.#onReconnecting(info)),
      client.on("rtm:disconnect", ({ reason, description, willReconnect }) => {
        const text = lost(description || reason);
        this.#timeline.add(willReconnect ? text : `${text}; not reconnecting`, { level: "warn" });
      }),
      client.on("rtm:error", (error) => {
        this.#timeline.add(`Error ${error?.code ?? ""}: ${error?.message ?? error}`, { level: "error" });
      }),
      client.on("rtm:close", ({ error }) => {
        if (error) this.#detail.textContent = `${error.code}: ${error.message}`;
      }),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** @param {string} state */
  #onState(state) {
    this.#stopCountdown();
    this.#pill.dataset.state = state;
    this.#text.textContent = state;
    this.#detail.textContent = "";
    const text = STATE_TEXT[state];
    if (text) this.#timeline.add(text, { state });
  }

  /** @param {{ reconnected: boolean, endpoint: string, downtime?: { ms: number } }} info */
  #onReady({ reconnected, endpoint, downtime }) {
    this.#attempts = 0;
    const where = endpoint ? ` (${endpoint})` : "";
    const text = reconnected
      ? `Ready again${downtime ? ` after ${duration(downtime.ms)} offline: events of that window were missed, reconcile over REST` : ""}`
      : `Ready: events flow${where}`;
    this.#timeline.add(text, { state: "ready" });
    this.#detail.textContent = `since ${clock(Date.now())}`;
  }

  /** @param {{ delayMs: number, error?: { code?: string } }} info */
  #onReconnecting({ delayMs, error }) {
    this.#attempts += 1;
    const attempt = this.#attempts;
    const when = delayMs > 0 ? `in ${duration(delayMs)}` : "now";
    const cause = error?.code ? ` (${error.code})` : "";
    this.#timeline.add(`Reconnecting: attempt ${attempt} ${when}${cause}`, { state: "reconnecting", level: "warn" });
    const due = Date.now() + delayMs;
    const tick = () => {
      const left = Math.max(0, due - Date.now());
      this.#detail.textContent = left > 0 ? `attempt ${attempt} in ${duration(left)}` : `attempt ${attempt}…`;
      if (left === 0) this.#stopCountdown();
    };
    this.#stopCountdown();
    tick();
    if (delayMs > 0) this.#countdown = setInterval(tick, 100);
  }

  #stopCountdown() {
    clearInterval(this.#countdown);
    this.#countdown = undefined;
  }
}

/**
 * "Connection lost: <why>", without saying it twice when the reason already does ("connection lost: …").
 * @param {string} why
 */
function lost(why) {
  const text = why.replace(/^connection lost:?\s*/i, "").trim();
  return text ? `Connection lost: ${text}` : "Connection lost";
}
