import { type Deferred, deferred } from "../core/deferred.js";
import { Emitter } from "../core/emitter.js";
import {
  FATAL_ERROR_CODES,
  isRTMError,
  isTlsTrustFailure,
  RTMError,
  type RTMErrorCode,
  toRTMError,
  UNTRUSTED,
} from "../core/errors.js";
import { type Redactor, redactor, redactValue } from "../core/redact.js";
import { serverMessage } from "../core/server-message.js";
import type { SocketEndpoint } from "../rest/endpoint.js";
import type { SessionClose } from "../socketio/close-reason.js";
import { SocketIOSession } from "../socketio/session.js";
import type { WebSocketConstructor } from "../socketio/websocket-constructor.js";
import { BindScheduler } from "./bind-scheduler.js";
import { eventsForTier, isRTMEventName, type RTMEventName } from "./catalog.js";
import { EndpointResolver } from "./endpoint-resolver.js";
import { EventStream, type EventStreamOptions } from "./event-stream.js";
import type { RTMLifecycleEvents, RTMLifecycleName, RTMState } from "./lifecycle.js";
import { type CrispRTMOptions, type ResolvedOptions, resolveOptions, stringList } from "./options.js";
import type { GenericPayload, RTMPayload } from "./payloads.js";
import { MessageRecovery } from "./recovery.js";
import { RetryTracker } from "./retry.js";
import { type Filters, filtersKey, SUBSCRIPTION_UPDATED, Subscription } from "./subscription.js";

/** One received event, as `events()` yields it (of `CrispRTM`, and of `HubClient`, which shares the type). */
export type RTMEvent<K extends RTMEventName = RTMEventName> = K extends RTMEventName
  ? { name: K; payload: RTMPayload<K> }
  : never;

/** A listener of every Crisp event. */
export type WildcardListener = (name: RTMEventName, payload: GenericPayload) => void;

type AnyListener = (...args: never[]) => void;
type ListenerMap = Record<string, unknown[]>;

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
  /** The first connection's deadline (`firstConnectTimeoutMs`). */
  #deadline: ReturnType<typeof setTimeout> | undefined;
  readonly #retry: RetryTracker;
  /** When the scheduled retry is due: a page woken up after it retries at once. */
  #retryAt = 0;
  #lastError: RTMError | undefined;
  /** What `connect()` rejects with once closed: `aborted` when the signal closed the client. */
  #closedBy: RTMError | undefined;
  #everReady = false;
  #sentFilters = "";
  /** A `rebind()` is pending: the next bind asks Crisp to re-read the token's websites. */
  #refresh = false;
  /** Names of the tier's unavailable events already reported by `on()`. */
  readonly #unavailable = new Set<string>();
  readonly #redact: Redactor;
  #WebSocket: WebSocketConstructor | undefined;
  #onAbort = () => this.#fail(new RTMError("aborted", "aborted by the signal"));
  /**
   * A page shown again, resumed from freeze, or back online: timers of background tabs run late or not at all,
   * so the heartbeat is checked now (an overdue one ends the session, which reconnects), and a retry that
   * is due (or any, when the network is back) starts now. A healthy connection is left alone.
   */
  #wake = (event: Event) => {
    if (globalThis.document?.visibilityState === "hidden") return;
    if (this.#state === "ready") this.#session?.checkHeartbeat();
    else if (this.#state === "reconnecting" && (event.type === "online" || Date.now() >= this.#retryAt))
      this.#retryNow();
  };
  /** Set with `recover: { messages: true }`: recovers downtimes and delivers each message once. */
  readonly #recovery: MessageRecovery | undefined;

  /** Validates the options (throws `invalid_options` / `insecure_endpoint`); does not connect. */
  constructor(options: CrispRTMOptions) {
    this.#options = resolveOptions(options);
    this.#redact = redactor(this.#options.identifier, this.#options.key);
    this.#retry = new RetryTracker(this.#options.reconnect);
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
   * error (`unauthorized`, `insecure_endpoint`), when `maxAttempts` is exhausted, past `firstConnectTimeoutMs`
   * (with the last failure's error), on `close()` (`closed`) or on abort (`aborted`), and at once without a
   * `WebSocket` (`invalid_options`). Calling it again while connecting returns the same wait.
   */
  connect(): Promise<void> {
    if (this.#state === "closed") return Promise.reject(this.#closedBy ?? closedError());
    if (this.#state === "ready") return Promise.resolve();
    this.#ready ??= deferred<void>();
    const ready = this.#ready;
    if (this.#state === "idle") this.#start();
    return ready.promise;
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
    const { tier } = this.#options;
    if (isNew && isRTMEventName(name) && !eventsForTier(tier).includes(name) && !this.#unavailable.has(name)) {
      this.#unavailable.add(name);
      // After the caller's synchronous code, so an `rtm:error` listener added next still hears it.
      queueMicrotask(() => this.#report(new RTMError("unavailable_event", `${tier} tokens never receive ${name}`)));
    }
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
   * Asks Crisp to bind the socket again to every website the token may see now (`socket:bind`), as after a
   * website installed the plugin: until then Crisp sends nothing of it on a socket opened before. On the plugin
   * tier the client does this by itself when `plugin:subscription:updated` arrives. Coalesced with other binds;
   * resolves once sent (at once when not connected: the next authentication binds afresh anyway).
   */
  rebind(): Promise<void> {
    if (this.#state === "closed") return Promise.reject(closedError());
    this.#refresh = true;
    return this.#filtersChanged(true);
  }

  /**
   * Iterates over received events: `for await (const { name, payload } of rtm.events(["message:send"]))`.
   * With no names, every Crisp event. Listening this way subscribes like `on()` does.
   */
  events<K extends RTMEventName>(
    names?: readonly K[],
    options: EventStreamOptions = {},
  ): AsyncIterableIterator<RTMEvent<K>> {
    const stream = new EventStream<RTMEvent>(
      (push) => {
        if (!names || names.length === 0) return this.on("*", (name, payload) => push({ name, payload } as RTMEvent));
        const offs = names.map((name) =>
          this.on(name as RTMEventName, (payload: unknown) => push({ name, payload } as RTMEvent)),
        );
        return () => {
          for (const off of offs) off();
        };
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
    if (
      typeof raw !== "string" ||
      !raw ||
      raw === "*" ||
      raw.startsWith("rtm:") ||
      typeof payload !== "object" ||
      !payload
    ) {
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
    if (typeof name !== "string" || !name || typeof listener !== "function")
      throw invalid("on() needs an event name and a function");
  }

  #setState(state: RTMState): void {
    const previous = this.#state;
    if (previous === state || previous === "closed") return;
    this.#state = state;
    this.#listeners.emit("rtm:state", { state, previous });
  }

  #onListenerError(error: unknown, event: string): void {
    if (event === "rtm:error") return;
    this.#listeners.emit(
      "rtm:error",
      new RTMError("listener_error", `a listener of ${this.#redact(event).slice(0, 60)} threw`, { cause: error }),
    );
  }

  #currentFilters(): Filters {
    const listened = this.#listeners.names().filter((name) => !name.startsWith("rtm:"));
    return this.#subscription.filters(listened);
  }

  #filtersChanged(force = false): Promise<void> {
    if (this.#state !== "ready") return Promise.resolve();
    if (!force && filtersKey(this.#currentFilters()) === this.#sentFilters && !this.#binds.pending)
      return Promise.resolve();
    return this.#binds.request();
  }

  #sendBind(): boolean {
    const session = this.#session;
    if (this.#state !== "ready" || !session) return false;
    const filters = this.#currentFilters();
    const key = filtersKey(filters);
    // `{}` re-reads the token's websites and keeps the events (crisp-api's `rebindSocket`); explicit rooms are
    // checked again by any bind, so they go as they are.
    const refresh = this.#refresh && !filters.rooms;
    if (refresh && !session.send("socket:bind", {})) return false;
    if (!(refresh && key === this.#sentFilters) && !session.send("socket:bind", filters)) return false;
    this.#refresh = false;
    this.#sentFilters = key;
    return true;
  }

  /** The first `connect()`: checks for a WebSocket before any request, arms the first connection's deadline. */
  #start(): void {
    this.#WebSocket = this.#options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== "function") {
      this.#fail(invalid("no WebSocket: pass the WebSocket option (Node 20: node --experimental-websocket)"));
      return;
    }
    this.#lifecycle("addEventListener");
    const ms = this.#options.firstConnectTimeoutMs;
    // Past it: the last failure's code, and a message that says what kept failing.
    const expired = (last = this.#lastError) =>
      this.#fail(
        new RTMError(last?.code ?? "timeout", `no connection in ${ms} ms; last failure: ${last?.message}`, {
          cause: last,
        }),
      );
    if (ms < Infinity) this.#deadline = setTimeout(expired, ms);
    void this.#attempt();
  }

  #lifecycle(method: "addEventListener" | "removeEventListener"): void {
    for (const name of ["online", "pageshow"]) globalThis[method]?.(name, this.#wake);
    for (const name of ["visibilitychange", "resume"]) globalThis.document?.[method](name, this.#wake);
  }

  async #attempt(): Promise<void> {
    const generation = ++this.#generation;
    let endpoint: SocketEndpoint;
    try {
      endpoint = await this.#resolveEndpoint();
    } catch (error) {
      if (generation === this.#generation && this.#state !== "closed") {
        this.#onAttemptFailed(toRTMError(error, "discovery_failed", "discovery failed"));
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
    this.#setState("connecting");
    const session = new SocketIOSession({
      origin: endpoint.origin,
      path: endpoint.path,
      WebSocket: this.#WebSocket as WebSocketConstructor,
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
    this.#refresh = false;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(
      () => session.close(new RTMError("timeout", `no answer to authentication in ${this.#options.authTimeoutMs} ms`)),
      this.#options.authTimeoutMs,
    );
  }

  #onServerEvent(session: SocketIOSession, endpoint: SocketEndpoint, name: string, args: unknown[]): void {
    if (this.#session !== session) return;
    if (name === "authenticated") {
      if (this.#state === "authenticating") this.#onReady(endpoint);
      return;
    }
    if (name === "unauthorized") {
      this.#fail(
        new RTMError("unauthorized", `authentication refused: ${this.#redact(serverMessage(args[0]) ?? "no reason")}`),
      );
      return;
    }
    if (this.#state !== "ready") return;
    const payload = args[0];
    if (name === "*" || name.startsWith("rtm:") || typeof payload !== "object" || !payload) {
      this.#report(new RTMError("protocol_error", `dropped ${this.#redact(name).slice(0, 60)}: bad name or payload`));
      return;
    }
    if (name === SUBSCRIPTION_UPDATED && this.#options.tier === "plugin") void this.rebind();
    this.#deliver(name, payload);
  }

  #deliver(name: string, payload: object, recovered?: boolean): void {
    if (!recovered && this.#recovery?.admit(name, payload) === false) return;
    this.#listeners.emit(name, payload);
    this.#listeners.emit("*", name, payload);
  }

  #onReady(endpoint: SocketEndpoint): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#deadline);
    const reconnected = this.#everReady;
    this.#everReady = true;
    this.#lastError = undefined;
    const downtime = this.#retry.ready(Date.now());
    this.#endpoints.succeeded();
    this.#setState("ready");
    this.#binds.markSent();
    const info: RTMLifecycleEvents["rtm:ready"] = { reconnected, endpoint: endpoint.url };
    if (downtime) info.downtime = downtime;
    this.#listeners.emit("rtm:ready", info);
    if (info.downtime) void this.#recovery?.run(info.downtime, this.#currentFilters());
    this.#ready?.resolve();
    this.#ready = undefined;
    if (this.#state !== "ready") return;
    if (filtersKey(this.#currentFilters()) !== this.#sentFilters) void this.#binds.request();
  }

  #onSessionClose(session: SocketIOSession, info: SessionClose): void {
    if (this.#session !== session) return;
    this.#session = undefined;
    clearTimeout(this.#timer);
    if (this.#state === "closed") return;
    this.#onAttemptFailed(isRTMError(info.cause) ? info.cause : this.#sessionError(info), info, session.lastReceivedAt);
  }

  /** The error of a session that ended by itself; server-provided text is redacted. */
  #sessionError({ reason, description, cause }: SessionClose): RTMError {
    const tls = isTlsTrustFailure(cause) ? `: ${UNTRUSTED}` : "";
    return new RTMError(SESSION_ERROR_CODES[reason] ?? "connection_failed", this.#redact(description) + tls, {
      cause: redactValue(cause, this.#redact),
    });
  }

  #onAttemptFailed(error: RTMError, info?: SessionClose, lastReceivedAt = 0): void {
    const fatal = FATAL_ERROR_CODES.has(error.code) || info?.reason === "connect error";
    const now = Date.now();
    this.#lastError = error;
    if (info && this.#state === "ready") {
      this.#retry.lost(now, lastReceivedAt || now);
      this.#listeners.emit("rtm:disconnect", {
        reason: info.reason,
        description: this.#redact(info.description),
        at: now,
        willReconnect: !fatal && this.#options.reconnect !== false,
      });
    } else {
      this.#retry.failed();
      this.#endpoints.connectFailed();
    }
    if (this.#state === "closed") return;
    if (fatal) {
      this.#fail(error);
      return;
    }
    if (this.#state !== "ready" || error.code !== "connection_failed") this.#report(error);
    this.#scheduleRetry(error);
  }

  #scheduleRetry(error: RTMError): void {
    // An rtm:error listener may just have closed the client.
    if (this.#state === "closed") return;
    const delayMs = this.#retry.nextDelay(error.retryAfterMs);
    if (delayMs === undefined) {
      this.#fail(error);
      return;
    }
    this.#setState("reconnecting");
    this.#listeners.emit("rtm:reconnecting", { attempt: this.#retry.failures + 1, delayMs, error });
    if (this.#state !== "reconnecting") return;
    clearTimeout(this.#timer);
    this.#retryAt = Date.now() + delayMs;
    this.#timer = setTimeout(() => this.#retryNow(), delayMs);
  }

  #retryNow(): void {
    if (this.#state !== "reconnecting") return;
    clearTimeout(this.#timer);
    void this.#attempt();
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
    clearTimeout(this.#deadline);
    this.#lifecycle("removeEventListener");
    if (error?.code === "aborted") this.#closedBy = error;
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

function closedError(): RTMError {
  return new RTMError("closed", "the client is closed");
}

function invalid(message: string): RTMError {
  return new RTMError("invalid_options", message);
}
