// @ts-check
/**
 * A subscriber of the Durable Object hub's `GET /events` WebSocket (demo/worker/), shaped like the parts of
 * `CrispRTM` the page uses: `on("*")`, the `rtm:*` lifecycle events, `connect()`, `bind()`, `close()`, `state`.
 * It resumes with `?since=<last seq>` so nothing is lost across reconnects while the hub still has it, and
 * reports `gap` (events gone from the hub's log) and the hub's own upstream status as `hub:notice`.
 * Hub tickets are single-use: a pasted ticket opens one subscription; a ticket URL is asked again for each.
 * So filters apply here, in the page, instead of re-subscribing.
 */
import { Emitter } from "./emitter.js";
import { duration } from "./format.js";

const PING = '{"type":"ping"}';
const KEEPALIVE_MS = 25_000;
const MAX_DELAY_MS = 30_000;

/**
 * @typedef {object} HubClientOptions
 * @property {string} url The hub's events URL, `wss://…/events` (`ws://` only for localhost).
 * @property {string} [credential] A ticket (`t1.…`), or an https URL of your backend that answers `{ ticket }`
 *   (called before every connection, since tickets are short-lived). Empty: no authentication.
 * @property {readonly string[]} [events] Event names to pass on; default all.
 * @property {readonly string[]} [rooms] Website ids to pass on; default all.
 */

export class HubClient {
  #emitter = new Emitter();
  #url;
  #credential;
  #ticketSpent = false;
  /** @type {{ events?: ReadonlySet<string>, rooms?: ReadonlySet<string> }} */
  #filter = {};
  /** @type {string} */
  #state = "idle";
  /** @type {WebSocket | undefined} */
  #socket;
  /** @type {number | null} */
  #lastSeq = null;
  #failures = 0;
  #everReady = false;
  /** @type {number | undefined} */
  #disconnectedAt;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #keepalive;
  #lastMessageAt = 0;

  /** @param {HubClientOptions} options */
  constructor({ url, credential = "", events, rooms }) {
    const parsed = new URL(url.replace(/^http/i, "ws"));
    if (parsed.protocol === "ws:" && !/^(localhost|127(\.\d+){3}|\[::1\])$/i.test(parsed.hostname)) {
      throw Object.assign(new Error("use wss:// for a hub that is not on this machine"), { code: "insecure_endpoint" });
    }
    this.#url = parsed;
    this.#credential = credential.trim();
    this.#setFilter(events, rooms);
  }

  get state() {
    return this.#state;
  }

  /**
   * @param {string} name `*` (name, payload), an `rtm:*` lifecycle name, or `hub:notice` ({ text, level }).
   * @param {(...args: any[]) => void} listener
   */
  on(name, listener) {
    return this.#emitter.on(name, listener);
  }

  /** Opens the subscription; resolves at the hub's `hello`. */
  connect() {
    return new Promise((resolve, reject) => {
      const offs = [
        this.on("rtm:ready", () => (offs.forEach((off) => off()), resolve(undefined))),
        this.on("rtm:close", ({ error }) => (offs.forEach((off) => off()), reject(error ?? new Error("closed")))),
      ];
      if (this.#state === "idle") void this.#open();
    });
  }

  /**
   * Changes which events are passed on (filtered here: the hub sends what the ticket allows).
   * @param {{ events?: readonly string[], rooms?: readonly string[] }} filters
   */
  async bind({ events, rooms }) {
    this.#setFilter(events, rooms);
  }

  /**
   * @param {readonly string[] | undefined} events
   * @param {readonly string[] | undefined} rooms
   */
  #setFilter(events, rooms) {
    if (events) this.#filter.events = new Set(events);
    if (rooms) this.#filter.rooms = new Set(rooms);
  }

  /** Closes for good. */
  close() {
    if (this.#state === "closed") return;
    clearTimeout(this.#timer);
    this.#drop();
    this.#setState("closed");
    this.#emitter.emit("rtm:close", {});
  }

  async #open() {
    this.#setState("connecting");
    let url;
    try {
      url = await this.#subscribeUrl();
    } catch (error) {
      this.#failed(`could not get a ticket: ${error instanceof Error ? error.message : error}`);
      return;
    }
    if (this.#state !== "connecting") return;
    const socket = new WebSocket(url);
    this.#socket = socket;
    socket.addEventListener("message", (event) => this.#onMessage(socket, event.data));
    socket.addEventListener("close", (event) => {
      if (this.#socket !== socket) return;
      this.#drop();
      const wasReady = this.#state === "ready";
      const description = event.reason
        || (wasReady ? `the connection was lost (code ${event.code})` : "the hub refused or did not answer (a wrong URL or an expired ticket?)");
      if (wasReady) {
        this.#disconnectedAt = Date.now();
        this.#emitter.emit("rtm:disconnect", { reason: `close ${event.code}`, description, at: Date.now(), willReconnect: true });
      }
      this.#failed(description, wasReady);
    });
  }

  /** @returns {Promise<string>} the events URL with the resume point and a ticket */
  async #subscribeUrl() {
    const url = new URL(this.#url);
    if (this.#lastSeq !== null) url.searchParams.set("since", String(this.#lastSeq));
    const ticket = await this.#ticket();
    if (ticket) url.searchParams.set("ticket", ticket);
    return url.href;
  }

  async #ticket() {
    if (!/^https?:\/\//i.test(this.#credential)) return this.#credential;
    const response = await fetch(this.#credential, { method: "POST", credentials: "include" });
    const body = await response.json();
    if (!response.ok || typeof body?.ticket !== "string") throw new Error(`HTTP ${response.status}`);
    return body.ticket;
  }

  /** True when a new subscription would need a pasted ticket that was already used. */
  get #needsFreshTicket() {
    return this.#ticketSpent && this.#credential !== "" && !/^https?:\/\//i.test(this.#credential);
  }

  /**
   * @param {string} name
   * @param {unknown} payload
   */
  #accepts(name, payload) {
    const { events, rooms } = this.#filter;
    const website = payload && typeof payload === "object" && "website_id" in payload ? payload.website_id : undefined;
    return (!events || events.has(name)) && (!rooms || typeof website !== "string" || rooms.has(website));
  }

  /**
   * @param {WebSocket} socket
   * @param {unknown} data
   */
  #onMessage(socket, data) {
    if (this.#socket !== socket || typeof data !== "string") return;
    this.#lastMessageAt = Date.now();
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    switch (message?.type) {
      case "hello":
        this.#lastSeq ??= message.seq;
        this.#onHello(message.upstream);
        break;
      case "event":
        if (typeof message.seq !== "number" || (this.#lastSeq !== null && message.seq <= this.#lastSeq)) return;
        this.#lastSeq = message.seq;
        if (this.#accepts(message.name, message.payload)) this.#emitter.emit("*", message.name, message.payload);
        break;
      case "gap":
        this.#notice(`Missed events #${message.from}–#${message.to}: no longer in the hub's log; reconcile over REST`, "warn");
        break;
      case "reset":
        this.#lastSeq = 0;
        this.#notice("The hub's log was reset: replaying it from the start", "warn");
        break;
      case "live":
        if (message.replayed > 0) this.#notice(`Replayed ${message.replayed} event(s) missed while away`);
        break;
      case "status":
        this.#notice(`Hub's Crisp connection: ${message.upstream}${message.downtime ? ` (was down ${duration(message.downtime.ms)})` : ""}`,
          message.upstream === "ready" ? "info" : "warn");
        break;
      default:
        break;
    }
  }

  /** @param {string} upstream */
  #onHello(upstream) {
    this.#failures = 0;
    this.#ticketSpent = true;
    const reconnected = this.#everReady;
    this.#everReady = true;
    this.#setState("ready");
    const now = Date.now();
    const downtime = this.#disconnectedAt === undefined ? undefined : { since: this.#disconnectedAt, until: now, ms: now - this.#disconnectedAt };
    this.#disconnectedAt = undefined;
    this.#emitter.emit("rtm:ready", { reconnected, endpoint: this.#url.href, ...(downtime ? { downtime } : {}) });
    this.#notice(`Hub's Crisp connection: ${upstream}`, upstream === "ready" ? "info" : "warn");
    this.#keepalive = setInterval(() => this.#keepAlive(), KEEPALIVE_MS);
  }

  #keepAlive() {
    if (Date.now() - this.#lastMessageAt > 2 * KEEPALIVE_MS + 5_000) this.#socket?.close(4000, "no answer to keep-alive");
    else this.#socket?.send(PING);
  }

  /**
   * @param {string} message
   * @param {boolean} [wasReady]
   */
  #failed(message, wasReady = false) {
    if (this.#state === "closed") return;
    if (this.#needsFreshTicket) {
      const error = Object.assign(new Error("hub tickets are single-use: paste a fresh ticket (or a URL that issues them) and connect again"), { code: "ticket_used" });
      this.#emitter.emit("rtm:error", error);
      this.#setState("closed");
      this.#emitter.emit("rtm:close", { error });
      return;
    }
    const delayMs = wasReady || this.#failures === 0 ? 0 : Math.min(MAX_DELAY_MS, 1000 * 2 ** (this.#failures - 1)) * (0.5 + Math.random());
    this.#failures += 1;
    const error = Object.assign(new Error(message), { code: "connection_failed" });
    if (!wasReady) this.#emitter.emit("rtm:error", error);
    this.#setState("reconnecting");
    this.#emitter.emit("rtm:reconnecting", { attempt: this.#failures, delayMs, error });
    this.#timer = setTimeout(() => void this.#open(), delayMs);
  }

  /** Forgets the current socket (closing it) and stops the keep-alive. */
  #drop() {
    clearInterval(this.#keepalive);
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, "client closed");
  }

  /** @param {string} state */
  #setState(state) {
    const previous = this.#state;
    if (previous === state) return;
    this.#state = state;
    this.#emitter.emit("rtm:state", { state, previous });
  }

  /**
   * @param {string} text
   * @param {"info" | "warn"} [level]
   */
  #notice(text, level = "info") {
    this.#emitter.emit("hub:notice", { text, level });
  }
}
