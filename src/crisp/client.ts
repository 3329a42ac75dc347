import { deferred, type Deferred } from "../core/deferred.js";
import { Emitter } from "../core/emitter.js";
import { RTMError, toRTMError, type RTMErrorCode } from "../core/errors.js";
import { serverMessage } from "../core/server-message.js";
import type { SocketEndpoint } from "../rest/endpoint.js";
import { backoffDelay } from "../socketio/backoff.js";
import type { SessionClose } from "../socketio/close-reason.js";
import { SocketIOSession } from "../socketio/session.js";
import { BindScheduler } from "./bind-scheduler.js";
import { EndpointResolver } from "./endpoint-resolver.js";
import type { RTMEventName } from "./catalog.js";
import { EventStream, type EventStreamOptions } from "./event-stream.js";
import type { RTMLifecycleEvents, RTMLifecycleName, RTMState } from "./lifecycle.js";
import { resolveOptions, stringList, type CrispRTMOptions, type ResolvedOptions } from "./options.js";
import type { GenericPayload, RTMPayload } from "./payloads.js";
import { MessageRecovery } from "./recovery.js";
import { filtersKey, Subscription, type Filters } from "./subscription.js";

/** One received event, as yielded by {@link CrispRTM.events}. */
export type RTMEvent<K extends RTMEventName = RTMEventName> = K extends RTMEventName
  ? { name: K; payload: RTMPayload<K> }
  : never;

/** A listener of every Crisp event. */
export type WildcardListener = (name: RTMEventName, payload: GenericPayload) => void;

type AnyListener = (...args: never[]) => void;
type ListenerMap = Record<string, unknown[]>;

const FATAL_CODES = new Set(["unauthorized", "insecure_endpoint", "invalid_options", "aborted", "closed"]);

/**
 * A Crisp RTM client: discovers the endpoint over REST, keeps ONE Socket.IO session, authenticates within
 * the deadline, applies event and website filters, and reconnects politely. Runs wherever `fetch`,
 * `WebSocket` and timers exist.
 */
export class CrispRTM {
  readonly #options: ResolvedOptions;
  readonly #listeners: Emitter<ListenerMap>;
  readonly #subscription: Subscription;
  readonly #binds: BindScheduler;
  readonly #streams = new Set<EventStream<RTMEvent>>();
  readonly #endpoints: EndpointResolver;
  /** Aborted by close(): ends a discovery under way. */
  readonly #closing = new AbortController();
  #state: RTMState = "idle";
  #ready: Deferred<void> | undefined;
  #session: SocketIOSession | undefined;
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #failures = 0;
  #failuresAtReady = 0;
  #readyAt = 0;
  #everReady = false;
  #disconnectedAt: number | undefined;
  #sentFilters = "";
  #pendingSessionError: RTMError | undefined;
  #onOnline = () => this.#retryNow();
  #onAbort = () => this.#fail(new RTMError("aborted", "aborted by the signal"));
  /** Set with `recover: { messages: true }`: recovers downtimes and delivers each message once. */
  readonly #recovery: MessageRecovery | undefined;

  /** Validates the options (throws `invalid_options` / `insecure_endpoint`); does not connect. */
  constructor(options: CrispRTMOptions) {
    this.#options = resolveOptions(options);
    this.#endpoints = new EndpointResolver(this.#options, this.#closing.signal);
    this.#listeners = new Emitter((error, event) => this.#onListenerError(error, event));
    this.#subscription = new Subscription(this.#options.tier, this.#options.events, this.#options.rooms);
    this.#binds = new BindScheduler(this.#options.bindIntervalMs, () => this.#sendBind());
    this.#recovery = this.#options.recover?.messages
      ? new MessageRecovery(
          this.#options,
          this.#closing.signal,
          (name, payload) => this.#deliver(name, payload, true),
          (info) => this.#listeners.emit("rtm:recovered", info),
          (error) => this.#report(error),
        )
      : undefined;
    const signal = this.#options.signal;
    if (signal?.aborted) this.#onAbort();
    else signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  /** The current state. */
  get state(): RTMState {
    return this.#state;
  }

  /** The filters the client asks Crisp for right now. */
  get filters(): Filters {
    return this.#currentFilters();
  }

  /**
   * Connects and authenticates. Resolves once `authenticated`; while reconnection is enabled, transient
   * failures are retried (see `rtm:reconnecting` / `rtm:error`) and the promise rejects only on a fatal
   * error (`unauthorized`, `insecure_endpoint`), when `maxAttempts` is exhausted, on `close()` (`closed`) or
   * on abort (`aborted`). Calling it again while connecting returns the same wait.
   */
  connect(): Promise<void> {
    if (this.#state === "closed") {
      return Promise.reject(closedError());
    }
    if (this.#state === "ready") return Promise.resolve();
    this.#ready ??= deferred<void>();
    if (this.#state === "idle") void this.#attempt();
    return this.#ready.promise;
  }

  /** Listens to a Crisp event; returns a function that removes the listener. */
  on<K extends RTMEventName>(name: K, listener: (payload: RTMPayload<K>) => void): () => void;
  /** Listens to every Crisp event (not the `rtm:` lifecycle events). */
  on(name: "*", listener: WildcardListener): () => void;
  /** Listens to a lifecycle event. */
  on<K extends RTMLifecycleName>(name: K, listener: (payload: RTMLifecycleEvents[K]) => void): () => void;
  on(name: string, listener: AnyListener): () => void {
    this.#checkListener(name, listener);
    const isNew = !name.startsWith("rtm:") && this.#listeners.listenerCount(name) === 0;
    const off = this.#listeners.on(name, listener as (...args: unknown[]) => void);
    if (isNew) {
      this.#subscription.noteListener(name);
      this.#filtersChanged();
    }
    return off;
  }

  /** Listens to the next occurrence of a Crisp event only. */
  once<K extends RTMEventName>(name: K, listener: (payload: RTMPayload<K>) => void): () => void;
  /** Listens to the next Crisp event only, whatever its name. */
  once(name: "*", listener: WildcardListener): () => void;
  /** Listens to the next occurrence of a lifecycle event only. */
  once<K extends RTMLifecycleName>(name: K, listener: (payload: RTMLifecycleEvents[K]) => void): () => void;
  once(name: string, listener: AnyListener): () => void {
    this.#checkListener(name, listener);
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
  off<K extends RTMLifecycleName>(name: K, listener?: (payload: RTMLifecycleEvents[K]) => void): void;
  off(name: string, listener?: AnyListener): void {
    this.#listeners.off(name, listener as ((...args: unknown[]) => void) | undefined);
    if (!name.startsWith("rtm:") && this.#listeners.listenerCount(name) === 0) this.#filtersChanged();
  }

  /**
   * Replaces the event and/or website filters (`socket:bind`); a field left out stays as it is. The filters
   * are remembered and sent again on every reconnect. Calls closer than `bindIntervalMs` are coalesced into
   * one message. Resolves once sent (at once when not connected: the next authentication carries them).
   */
  bind(filters: { events?: readonly (RTMEventName | (string & {}))[]; rooms?: readonly string[] }): Promise<void> {
    if (this.#state === "closed") return Promise.reject(closedError());
    if (!filters || typeof filters !== "object") throw invalid("bind() needs { events?, rooms? }");
    this.#subscription.replace(stringList(filters.events, "events"), stringList(filters.rooms, "rooms"));
    return this.#filtersChanged(true);
  }

  /**
   * Iterates over received events: `for await (const { name, payload } of rtm.events(["message:send"]))`.
   * With no names, every Crisp event. Listening this way subscribes like `on()` does.
   */
  events<K extends RTMEventName>(names?: readonly K[], options: EventStreamOptions = {}): AsyncIterableIterator<RTMEvent<K>> {
    const stream = new EventStream<RTMEvent>(
      (push) => {
        if (!names || names.length === 0) return this.on("*", (name, payload) => push({ name, payload } as RTMEvent));
        const offs = names.map((name) =>
          this.on(name as RTMEventName, (payload: unknown) => push({ name, payload } as RTMEvent)),
        );
        return () => offs.forEach((off) => off());
      },
      options,
      (done) => this.#streams.delete(done),
    );
    if (this.#state === "closed") stream.end();
    else this.#streams.add(stream);
    return stream as unknown as AsyncIterableIterator<RTMEvent<K>>;
  }

  /**
   * Delivers an event that arrived another way (a verified web hook, a hub, a test) to the same `on()`
   * listeners and `events()` iterators as socket events, whatever the connection state. Throws
   * `invalid_options` for a reserved name (`*`, `rtm:…`) or a non-object payload, `closed` after `close()`.
   */
  dispatch<K extends RTMEventName>(name: K, payload: RTMPayload<K>): void {
    if (this.#state === "closed") throw closedError();
    const raw: string = name;
    if (typeof raw !== "string" || !raw || raw === "*" || raw.startsWith("rtm:") || typeof payload !== "object" || !payload) {
      throw invalid("dispatch() needs an event name and an object");
    }
    this.#deliver(name, payload);
  }

  /** True for a payload delivered by recovery (`recover: { messages: true }`), false for a live one. */
  isRecovered(payload: object): boolean {
    return this.#recovery?.isRecovered(payload) ?? false;
  }

  /** Closes the connection for good: no reconnect afterwards, iterators end, `connect()` rejects. Idempotent. */
  close(): void {
    this.#shutdown(undefined);
  }

  #checkListener(name: unknown, listener: unknown): void {
    if (typeof name !== "string" || !name || typeof listener !== "function") throw invalid("on() needs an event name and a function");
  }

  #setState(state: RTMState): void {
    const previous = this.#state;
    if (previous === state || previous === "closed") return;
    this.#state = state;
    this.#listeners.emit("rtm:state", { state, previous });
  }

  #onListenerError(error: unknown, event: string): void {
    if (event === "rtm:error") return;
    this.#listeners.emit("rtm:error", new RTMError("listener_error", `a listener of ${event} threw`, { cause: error }));
  }

  #currentFilters(): Filters {
    const listened = this.#listeners.names().filter((name) => !name.startsWith("rtm:"));
    return this.#subscription.filters(listened);
  }

  #filtersChanged(force = false): Promise<void> {
    if (this.#state !== "ready") return Promise.resolve();
    if (!force && filtersKey(this.#currentFilters()) === this.#sentFilters && !this.#binds.pending) return Promise.resolve();
    return this.#binds.request();
  }

  #sendBind(): boolean {
    if (this.#state !== "ready" || !this.#session) return false;
    const filters = this.#currentFilters();
    if (!this.#session.send("socket:bind", filters)) return false;
    this.#sentFilters = filtersKey(filters);
    return true;
  }

  async #attempt(): Promise<void> {
    const generation = ++this.#generation;
    let endpoint: SocketEndpoint;
    try {
      endpoint = await this.#resolveEndpoint();
    } catch (error) {
      if (generation === this.#generation && this.#state !== "closed") {
        this.#onAttemptFailed(toRTMError(error, "discovery_failed", "discovery failed"), false);
      }
      return;
    }
    if (generation !== this.#generation || this.#state === "closed") return;
    this.#openSession(endpoint);
  }

  async #resolveEndpoint(): Promise<SocketEndpoint> {
    if (this.#endpoints.needsDiscovery) this.#setState("discovering");
    return this.#endpoints.resolve();
  }

  #openSession(endpoint: SocketEndpoint): void {
    const WebSocketImpl = this.#options.WebSocket ?? globalThis.WebSocket;
    if (typeof WebSocketImpl !== "function") {
      this.#fail(invalid("this runtime has no WebSocket: pass the WebSocket option"));
      return;
    }
    this.#setState("connecting");
    const session = new SocketIOSession({
      origin: endpoint.origin,
      path: endpoint.path,
      WebSocket: WebSocketImpl,
      openTimeoutMs: this.#options.connectTimeoutMs,
      connectTimeoutMs: this.#options.connectTimeoutMs,
      maxPayloadLength: this.#options.maxPayloadLength,
    });
    this.#session = session;
    session.on("connect", () => this.#authenticate(session));
    session.on("event", (name, args) => this.#onServerEvent(session, endpoint, name, args));
    session.on("close", (info) => this.#onSessionClose(session, info));
    session.open();
  }

  #authenticate(session: SocketIOSession): void {
    this.#setState("authenticating");
    const filters = this.#currentFilters();
    const { identifier, key, tier } = this.#options;
    session.send("authentication", { username: identifier, password: key, tier, ...filters });
    this.#sentFilters = filtersKey(filters);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#session !== session) return;
      this.#endSession(session, new RTMError("timeout", `no answer to authentication in ${this.#options.authTimeoutMs} ms`));
    }, this.#options.authTimeoutMs);
  }

  #onServerEvent(session: SocketIOSession, endpoint: SocketEndpoint, name: string, args: unknown[]): void {
    if (this.#session !== session) return;
    if (name === "authenticated") {
      if (this.#state === "authenticating") this.#onReady(endpoint);
      return;
    }
    if (name === "unauthorized") {
      const message = serverMessage(args[0]);
      this.#fail(new RTMError("unauthorized", `authentication refused: ${message ?? "no reason"}`));
      return;
    }
    if (this.#state !== "ready") return;
    const payload = args[0];
    if (name === "*" || name.startsWith("rtm:") || typeof payload !== "object" || !payload) {
      this.#report(new RTMError("protocol_error", `dropped ${name.slice(0, 60)}: bad name or payload`));
      return;
    }
    this.#deliver(name, payload);
  }

  #deliver(name: string, payload: object, recovered?: boolean): void {
    if (!recovered && this.#recovery?.admit(name, payload) === false) return;
    this.#listeners.emit(name, payload);
    this.#listeners.emit("*", name, payload);
  }

  #onReady(endpoint: SocketEndpoint): void {
    clearTimeout(this.#timer);
    const now = Date.now();
    const reconnected = this.#everReady;
    this.#everReady = true;
    this.#failuresAtReady = this.#failures;
    this.#failures = 0;
    this.#endpoints.succeeded();
    this.#readyAt = now;
    const since = this.#disconnectedAt;
    this.#disconnectedAt = undefined;
    this.#removeOnlineListener();
    this.#setState("ready");
    this.#binds.markSent();
    const info: RTMLifecycleEvents["rtm:ready"] = { reconnected, endpoint: endpoint.url };
    if (since !== undefined) info.downtime = { since, until: now, ms: now - since };
    this.#listeners.emit("rtm:ready", info);
    if (info.downtime) void this.#recovery?.run(info.downtime, this.#currentFilters());
    this.#ready?.resolve();
    this.#ready = undefined;
    if (this.#state !== "ready") return;
    if (filtersKey(this.#currentFilters()) !== this.#sentFilters) void this.#binds.request();
  }

  #endSession(session: SocketIOSession, error: RTMError): void {
    this.#pendingSessionError = error;
    session.close();
  }

  #onSessionClose(session: SocketIOSession, info: SessionClose): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    clearTimeout(this.#timer);
    const error = this.#pendingSessionError ?? sessionError(info);
    this.#pendingSessionError = undefined;
    if (this.#state === "closed") return;
    const wasReady = this.#state === "ready";
    this.#onAttemptFailed(error, wasReady, info);
  }

  #onAttemptFailed(error: RTMError, wasReady: boolean, info?: SessionClose): void {
    const fatal = FATAL_CODES.has(error.code) || info?.reason === "connect error";
    const now = Date.now();
    if (wasReady) {
      this.#disconnectedAt ??= now;
      const policy = this.#options.reconnect;
      const stable = policy && now - this.#readyAt >= policy.stableAfterMs;
      this.#failures = stable ? 0 : this.#failuresAtReady + 1;
      this.#listeners.emit("rtm:disconnect", {
        reason: info?.reason ?? error.code,
        description: info?.description ?? error.message,
        at: now,
        willReconnect: !fatal && policy !== false,
      });
    } else {
      this.#failures += 1;
      this.#endpoints.connectFailed();
    }
    if (this.#state === "closed") return;
    if (fatal) {
      this.#fail(error);
      return;
    }
    if (!wasReady || error.code !== "connection_failed") this.#report(error);
    this.#scheduleRetry(error);
  }

  #scheduleRetry(error: RTMError): void {
    // An rtm:error listener may just have closed the client.
    if (this.#state === "closed") return;
    const policy = this.#options.reconnect;
    if (policy === false || this.#failures >= policy.maxAttempts) {
      this.#fail(error);
      return;
    }
    const delayMs = Math.max(backoffDelay(this.#failures, policy), error.retryAfterMs ?? 0);
    this.#setState("reconnecting");
    this.#listeners.emit("rtm:reconnecting", { attempt: this.#failures + 1, delayMs, error });
    if (this.#state !== "reconnecting") return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#retryNow(), delayMs);
    // Browsers: retry at once when the network comes back (other runtimes have no such event).
    if (delayMs > 0) globalThis.addEventListener?.("online", this.#onOnline);
  }

  #retryNow(): void {
    if (this.#state !== "reconnecting") return;
    clearTimeout(this.#timer);
    this.#removeOnlineListener();
    void this.#attempt();
  }

  #removeOnlineListener(): void {
    globalThis.removeEventListener?.("online", this.#onOnline);
  }

  #report(error: RTMError): void {
    this.#listeners.emit("rtm:error", error);
  }

  #fail(error: RTMError): void {
    if (this.#state === "closed") return;
    this.#report(error);
    this.#shutdown(error);
  }

  #shutdown(error: RTMError | undefined): void {
    if (this.#state === "closed") return;
    this.#generation += 1;
    clearTimeout(this.#timer);
    this.#removeOnlineListener();
    this.#options.signal?.removeEventListener("abort", this.#onAbort);
    this.#closing.abort();
    const session = this.#session;
    this.#session = undefined;
    session?.close();
    this.#setState("closed");
    const reason = error ?? closedError();
    this.#binds.cancel(reason);
    this.#ready?.reject(reason);
    this.#ready = undefined;
    for (const stream of [...this.#streams]) {
      if (error) stream.fail(error);
      else stream.end();
    }
    this.#listeners.emit("rtm:close", error ? { error } : {});
  }
}

/** The error code of each way a session can end that is not `connection_failed`. */
const SESSION_ERROR_CODES: Partial<Record<SessionClose["reason"], RTMErrorCode>> = {
  "parse error": "protocol_error",
  "payload too large": "payload_too_large",
  "open timeout": "timeout",
  "connect timeout": "timeout",
  "ping timeout": "timeout",
};

function sessionError({ reason, description, cause }: SessionClose): RTMError {
  return new RTMError(SESSION_ERROR_CODES[reason] ?? "connection_failed", description, cause === undefined ? {} : { cause });
}

function closedError(): RTMError {
  return new RTMError("closed", "the client is closed");
}

function invalid(message: string): RTMError {
  return new RTMError("invalid_options", message);
}
