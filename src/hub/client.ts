import { type Deferred, deferred } from "../core/deferred.js";
import { Emitter } from "../core/emitter.js";
import { RTMError, toRTMError } from "../core/errors.js";
import type { RTMEventName } from "../crisp/catalog.js";
import type { RTMEvent, WildcardListener } from "../crisp/client.js";
import { EventStream, type EventStreamOptions } from "../crisp/event-stream.js";
import type { RTMPayload } from "../crisp/payloads.js";
import { backoffDelay } from "../crisp/retry.js";
import {
  type HubClientOptions,
  type HubLifecycleEvents,
  type HubLifecycleName,
  type HubState,
  type ResolvedHubOptions,
  resolveHubOptions,
} from "./options.js";
import { type HubFrame, PING_FRAME, unpackFrames } from "./protocol.js";

type AnyListener = (...args: never[]) => void;
type ListenerMap = Record<string, unknown[]>;

/** Codes after which another attempt cannot succeed. */
const FATAL = new Set(["invalid_options", "insecure_endpoint", "aborted"]);

/**
 * A subscriber of a crisp-rtm hub (`demo/worker/`): the same events, listeners and lifecycle as `CrispRTM`,
 * but the Crisp token stays on the hub, so it is the way to get Crisp events into a browser. It resumes each
 * subscription where the last one stopped (`?since=`), drops whatever it already delivered, so every event
 * reaches the listeners exactly once across reconnects, and reports what the hub could not cover (`rtm:gap`,
 * `rtm:downtime`).
 */
export class HubClient {
  readonly #options: ResolvedHubOptions;
  readonly #listeners: Emitter<ListenerMap>;
  readonly #streams = new Set<EventStream<RTMEvent>>();
  /** Payloads the hub read back over REST after a downtime (`source: "recovery"`). */
  readonly #recovered = new WeakSet<object>();
  #state: HubState = "idle";
  #ready: Deferred<void> | undefined;
  #socket: WebSocket | undefined;
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #failures = 0;
  #refusals = 0;
  #everReady = false;
  #delivered: number | null;
  #lastHeard = 0;
  #onOnline = () => this.#retryNow();
  #onAbort = () => this.#fail(new RTMError("aborted", "aborted by the signal"));

  /** Checks the options (throws `invalid_options` / `insecure_endpoint`); does not connect. */
  constructor(options: HubClientOptions) {
    this.#options = resolveHubOptions(options);
    this.#listeners = new Emitter((error, event) => {
      if (event !== "rtm:error")
        this.#listeners.emit(
          "rtm:error",
          new RTMError("listener_error", `a listener of ${event} threw`, { cause: error }),
        );
    });
    const stored = this.#options.cursor?.get();
    this.#delivered = Number.isSafeInteger(stored) && (stored as number) >= 0 ? (stored as number) : null;
    const signal = this.#options.signal;
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** The current state. */
  get state(): HubState {
    return this.#state;
  }

  /** True for a message the hub recovered over REST after a downtime, false for a live one (as `CrispRTM#isRecovered`). */
  isRecovered(payload: object): boolean {
    return this.#recovered.has(payload);
  }

  /** The sequence number of the last entry delivered (null before the first subscription): where a resume starts. */
  get cursor(): number | null {
    return this.#delivered;
  }

  /**
   * Subscribes. Resolves once the hub's replay is over and events flow live; transient failures are retried
   * (see `rtm:reconnecting`) and the promise rejects only on a fatal error (`unauthorized` after the ticket
   * provider was asked twice, `aborted`), when `maxAttempts` is exhausted, or on `close()` (`closed`).
   */
  connect(): Promise<void> {
    if (this.#state === "closed") return Promise.reject(new RTMError("closed", "the client is closed"));
    if (this.#state === "ready") return Promise.resolve();
    this.#ready ??= deferred<void>();
    if (this.#state === "idle") void this.#attempt();
    return this.#ready.promise;
  }

  /** Listens to a Crisp event; returns a function that removes the listener. */
  on<K extends RTMEventName>(name: K, listener: (payload: RTMPayload<K>) => void): () => void;
  /** Listens to every Crisp event (not the `rtm:` lifecycle events). */
  on(name: "*", listener: WildcardListener): () => void;
  /** Listens to a lifecycle event or a hub notice. */
  on<K extends HubLifecycleName>(name: K, listener: (payload: HubLifecycleEvents[K]) => void): () => void;
  on(name: string, listener: AnyListener): () => void {
    return this.#listeners.on(name, listener as (...args: unknown[]) => void);
  }

  /** Listens to the next occurrence of a Crisp event only. */
  once<K extends RTMEventName>(name: K, listener: (payload: RTMPayload<K>) => void): () => void;
  /** Listens to the next Crisp event only, whatever its name. */
  once(name: "*", listener: WildcardListener): () => void;
  /** Listens to the next occurrence of a lifecycle event or hub notice only. */
  once<K extends HubLifecycleName>(name: K, listener: (payload: HubLifecycleEvents[K]) => void): () => void;
  once(name: string, listener: AnyListener): () => void {
    const call = listener as (...args: unknown[]) => void;
    const off = this.on(name as "*", (...args: unknown[]) => {
      off();
      call(...args);
    });
    return off;
  }

  /** Removes a listener added with `on`, or every listener of `name` when none is given. */
  off<K extends RTMEventName>(name: K, listener?: (payload: RTMPayload<K>) => void): void;
  /** Removes a `*` listener (or all of them). */
  off(name: "*", listener?: WildcardListener): void;
  /** Removes a lifecycle listener (or all of them). */
  off<K extends HubLifecycleName>(name: K, listener?: (payload: HubLifecycleEvents[K]) => void): void;
  off(name: string, listener?: AnyListener): void {
    this.#listeners.off(name, listener as ((...args: unknown[]) => void) | undefined);
  }

  /**
   * Iterates over received events: `for await (const { name, payload } of hub.events(["message:send"]))`.
   * With no names, every Crisp event; ends on `close()` or when `options.signal` aborts.
   */
  events<K extends RTMEventName>(
    names?: readonly K[],
    options: EventStreamOptions = {},
  ): AsyncIterableIterator<RTMEvent<K>> {
    const stream = new EventStream<RTMEvent>(
      (push) => {
        const wanted = names && names.length > 0 ? new Set<string>(names) : undefined;
        return this.on("*", (name, payload) => {
          if (!wanted || wanted.has(name)) push({ name, payload } as RTMEvent);
        });
      },
      options,
      (done) => this.#streams.delete(done),
    );
    if (this.#state === "closed") stream.end();
    else this.#streams.add(stream);
    return stream as unknown as AsyncIterableIterator<RTMEvent<K>>;
  }

  /** Closes the subscription for good: no reconnect afterwards, iterators end, `connect()` rejects. Idempotent. */
  close(): void {
    this.#shutdown(undefined);
  }

  #setState(state: HubState): void {
    const previous = this.#state;
    if (previous === state || previous === "closed") return;
    this.#state = state;
    this.#listeners.emit("rtm:state", { state, previous });
  }

  async #attempt(): Promise<void> {
    const generation = ++this.#generation;
    this.#setState("connecting");
    let ticket: string;
    try {
      ticket = await this.#credential();
    } catch (error) {
      if (generation === this.#generation)
        this.#attemptFailed(toRTMError(error, "connection_failed", "could not get a ticket"), false);
      return;
    }
    if (generation !== this.#generation) return;
    const { url: base, events, websites, WebSocket: given } = this.#options;
    const url = new URL(base);
    if (events.length) url.searchParams.set("events", events.join(","));
    if (websites.length) url.searchParams.set("websites", websites.join(","));
    if (this.#delivered !== null) url.searchParams.set("since", String(this.#delivered));
    url.searchParams.set("protocol", "2");
    url.searchParams.set("ticket", ticket);
    const WebSocketImpl = given ?? globalThis.WebSocket;
    if (typeof WebSocketImpl !== "function") {
      this.#fail(new RTMError("invalid_options", "no WebSocket: pass the WebSocket option"));
      return;
    }
    let socket: WebSocket;
    try {
      socket = new WebSocketImpl(url.href);
    } catch (error) {
      this.#attemptFailed(new RTMError("connection_failed", "WebSocket failed", { cause: error }), false);
      return;
    }
    this.#socket = socket;
    let opened = false;
    socket.addEventListener("open", () => {
      opened = true;
      this.#lastHeard = Date.now();
      clearInterval(this.#heartbeat);
      this.#heartbeat = setInterval(() => this.#checkHeartbeat(socket), this.#options.heartbeatMs);
    });
    socket.addEventListener("message", (event) => {
      if (this.#socket !== socket) return;
      this.#lastHeard = Date.now();
      const frames = unpackFrames(event.data);
      if (!frames) {
        this.#listeners.emit("rtm:error", new RTMError("protocol_error", "malformed frame"));
        return;
      }
      for (const frame of frames) if (this.#socket === socket) this.#onFrame(frame);
    });
    socket.addEventListener("close", (event) => {
      if (this.#socket === socket) void this.#onClosed(socket, event.code, event.reason, opened);
    });
    // Some WebSockets (Node's) report a failed handshake with `error` only, never `close`.
    socket.addEventListener("error", () => {
      if (this.#socket === socket) void this.#onClosed(socket, 1006, "", opened);
    });
  }

  /** A ticket for the next subscription: from the provider, or traded for the bearer secret. */
  async #credential(): Promise<string> {
    const { ticket, bearer, url } = this.#options;
    if (ticket) {
      const value = await ticket();
      if (typeof value !== "string" || value.trim() === "")
        throw new RTMError("unauthorized", "the ticket provider returned no ticket");
      return value.trim();
    }
    let response: Response;
    try {
      response = await fetch(httpUrl(url, "ticket"), {
        method: "POST",
        headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "application/json" },
        body: "{}",
      });
    } catch (error) {
      throw new RTMError("connection_failed", "no answer to POST /ticket", { cause: error });
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.status === 401 || response.status === 403)
      throw new RTMError("unauthorized", "the hub refused the bearer", { status: response.status });
    const value = (body as { ticket?: unknown } | null)?.ticket;
    if (!response.ok || typeof value !== "string")
      throw new RTMError("connection_failed", `POST /ticket: HTTP ${response.status}`, { status: response.status });
    return value;
  }

  #onFrame(frame: HubFrame): void {
    switch (frame.type) {
      case "hello":
        this.#delivered ??= frame.seq;
        this.#listeners.emit("rtm:upstream", { state: frame.upstream, at: Date.now() });
        break;
      case "reset":
        this.#delivered = 0;
        this.#listeners.emit("rtm:reset", { since: frame.since, seq: frame.seq });
        break;
      case "gap":
        this.#listeners.emit("rtm:gap", { from: frame.from, to: frame.to });
        break;
      case "event":
      case "downtime":
        if (this.#delivered !== null && frame.seq <= this.#delivered) return;
        this.#delivered = frame.seq;
        this.#options.cursor?.set(frame.seq);
        if (frame.type === "downtime") {
          this.#listeners.emit("rtm:downtime", {
            seq: frame.seq,
            since: frame.since,
            until: frame.until,
            ms: frame.until - frame.since,
          });
        } else {
          if (frame.source === "recovery") this.#recovered.add(frame.payload);
          this.#listeners.emit(frame.name, frame.payload);
          this.#listeners.emit("*", frame.name, frame.payload);
        }
        break;
      case "status":
        this.#listeners.emit("rtm:upstream", { state: frame.upstream, at: frame.at });
        break;
      case "recovered": {
        const { since, until, count, truncated, error } = frame;
        this.#listeners.emit("rtm:recovered", {
          since,
          until,
          count,
          truncated,
          ...(error === undefined ? {} : { error }),
        });
        break;
      }
      case "live":
        this.#onLive(frame.replayed, frame.seq);
        break;
      default:
        break;
    }
  }

  #onLive(replayed: number, seq: number): void {
    this.#failures = 0;
    this.#refusals = 0;
    const reconnected = this.#everReady;
    this.#everReady = true;
    this.#setState("ready");
    this.#ready?.resolve();
    this.#ready = undefined;
    this.#listeners.emit("rtm:ready", { reconnected, endpoint: this.#options.url.href, replayed, seq });
  }

  /** Pings a quiet hub; two heartbeat periods without a word mean the socket is dead (a half-open connection). */
  #checkHeartbeat(socket: WebSocket): void {
    if (this.#socket !== socket) return;
    const silentMs = Date.now() - this.#lastHeard;
    if (silentMs < 2 * this.#options.heartbeatMs) {
      if (socket.readyState === 1) socket.send(PING_FRAME);
      return;
    }
    this.#detach();
    void this.#onClosed(socket, 4000, "heartbeat lost", true);
  }

  async #onClosed(socket: WebSocket, code: number, reason: string, opened: boolean): Promise<void> {
    if (this.#socket === socket) this.#detach();
    const generation = this.#generation;
    const wasLive = this.#state === "ready";
    const description = reason || (opened ? `closed (code ${code})` : "refused or unreachable");
    if (wasLive) {
      this.#listeners.emit("rtm:disconnect", {
        reason: `close ${code}`,
        description,
        at: Date.now(),
        willReconnect: this.#options.reconnect !== false,
      });
    }
    let error: RTMError;
    if (code === 4401) error = new RTMError("unauthorized", description);
    else if (opened) error = new RTMError("connection_failed", description);
    // A WebSocket never tells why its handshake failed: if the hub answers HTTP, it was the ticket it refused.
    else if (await this.#hubAnswers()) error = new RTMError("unauthorized", "the hub refused the ticket");
    else error = new RTMError("connection_failed", "the hub did not answer");
    if (generation === this.#generation) this.#attemptFailed(error, wasLive);
  }

  /** True when the hub answers HTTP at all (`GET /status`, public). */
  async #hubAnswers(): Promise<boolean> {
    try {
      await fetch(httpUrl(this.#options.url, "status"), { mode: "no-cors", signal: AbortSignal.timeout(5000) });
      return true;
    } catch {
      return false;
    }
  }

  #attemptFailed(error: RTMError, wasLive: boolean): void {
    if (this.#state === "closed") return;
    if (FATAL.has(error.code)) {
      this.#fail(error);
      return;
    }
    if (error.code === "unauthorized") {
      // Asked once more (a ticket may simply have expired on the way), then stop: no retry storm.
      this.#refusals += 1;
      if (this.#refusals >= 2) {
        this.#fail(error);
        return;
      }
    }
    if (!wasLive || error.code !== "connection_failed") this.#listeners.emit("rtm:error", error);
    const policy = this.#options.reconnect;
    // An rtm:error listener may just have closed the client.
    if ((this.#state as HubState) === "closed") return;
    if (policy === false || this.#failures >= policy.maxAttempts) {
      this.#fail(error);
      return;
    }
    const delayMs = error.code === "unauthorized" ? 0 : backoffDelay(this.#failures, policy);
    this.#failures += 1;
    this.#setState("reconnecting");
    this.#listeners.emit("rtm:reconnecting", { attempt: this.#failures, delayMs, error });
    if (this.#state !== "reconnecting") return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#retryNow(), delayMs);
    // Browsers: retry at once when the network comes back (other runtimes have no such event).
    if (delayMs > 0) globalThis.addEventListener?.("online", this.#onOnline);
  }

  #retryNow(): void {
    if (this.#state !== "reconnecting") return;
    clearTimeout(this.#timer);
    globalThis.removeEventListener?.("online", this.#onOnline);
    void this.#attempt();
  }

  /** Forgets the current socket (closing it) and stops the heartbeat. */
  #detach(): void {
    clearInterval(this.#heartbeat);
    const socket = this.#socket;
    this.#socket = undefined;
    try {
      socket?.close(1000, "client closed");
    } catch {
      // Already closed.
    }
  }

  #fail(error: RTMError): void {
    if (this.#state === "closed") return;
    this.#listeners.emit("rtm:error", error);
    this.#shutdown(error);
  }

  #shutdown(error: RTMError | undefined): void {
    if (this.#state === "closed") return;
    this.#generation += 1;
    clearTimeout(this.#timer);
    globalThis.removeEventListener?.("online", this.#onOnline);
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#detach();
    this.#setState("closed");
    this.#ready?.reject(error ?? new RTMError("closed", "the client is closed"));
    this.#ready = undefined;
    for (const stream of [...this.#streams]) {
      if (error) stream.fail(error);
      else stream.end();
    }
    this.#listeners.emit("rtm:close", error ? { error } : {});
  }
}

/** The hub's HTTP URL for `route`, next to its `/events` (`wss://h/events` → `https://h/ticket`). */
function httpUrl(events: URL, route: string): string {
  const url = new URL(route, events);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.search = "";
  return url.href;
}
