import { DurableObject } from "cloudflare:workers";
import { FATAL_ERROR_CODES, type RTMError } from "crisp-rtm";
import type {
  BindRequest,
  BindResult,
  HubStatus,
  IncomingWebhook,
  OpenReason,
  UpstreamError,
  WebhookOutcome,
} from "./api.js";
import { type HubConfig, type HubEnv, readConfig } from "./config.js";
import { matches } from "./filters.js";
import { ApiError, errorResponse } from "./http.js";
import { EventIntake } from "./intake.js";
import { encode, PING, PONG, type UpstreamState } from "./protocol.js";
import { HubRecovery } from "./recovery.js";
import { ReplayLog } from "./replay-log.js";
import { HubStore, Watchdog, WriteMeter } from "./state.js";
import { fromHubRequest, type SubscribeRequest, Subscribers, type Subscription } from "./subscribers.js";
import { Upstream, type UpstreamListener } from "./upstream.js";

/** After a fatal error (a refused token, a bad endpoint) the watchdog waits this long before trying again. */
const FATAL_BACKOFF_MS = 5 * 60_000;
/**
 * A frame reaches the hub some time after Crisp sent it (the network, then the object's own queue while it
 * works through a burst), and what Crisp sent right after the last frame that arrived is what a loss takes
 * first. A downtime therefore starts this long before that last frame: it may cover a little more than was
 * lost, never less.
 */
const TRANSIT_SLACK_MS = 1_000;

/**
 * The hub: the one Durable Object (a singleton, `idFromName`) that holds the deployment's only Crisp RTM
 * connection, numbers every event into a bounded replay log and fans it out to hibernatable subscriber
 * sockets; verified web hooks join the same sequence, deduplicated against the socket's events. Every entry
 * point (request, web hook, subscriber message, alarm) first makes sure the upstream is open when it should
 * be, so an evicted or redeployed hub comes back on the next request or watchdog alarm.
 */
export class CrispHub extends DurableObject<HubEnv> {
  readonly #config: HubConfig;
  readonly #meter = new WriteMeter();
  readonly #startedAt = Date.now();
  readonly #log: ReplayLog;
  readonly #store: HubStore;
  readonly #subscribers: Subscribers;
  readonly #watchdog: Watchdog;
  readonly #upstream: Upstream | null;
  readonly #intake: EventIntake;
  readonly #recovery: HubRecovery | null;
  #announced: UpstreamState | undefined;
  #lastError: UpstreamError | null = null;
  #blockedUntil = 0;
  #watchdogChecked = false;
  /** The last frame received from Crisp while the upstream was ready, in this instance; null before the first. */
  #lastFrameAt: number | null = null;

  constructor(ctx: DurableObjectState, env: HubEnv) {
    super(ctx, env);
    this.#config = readConfig(env);
    this.#log = new ReplayLog(ctx.storage, this.#meter, this.#config.logSize);
    this.#store = new HubStore(ctx.storage, this.#meter, this.#config.defaultFilter);
    this.#subscribers = new Subscribers(ctx);
    this.#intake = new EventIntake(this.#log, this.#subscribers);
    this.#recovery =
      this.#config.crisp && env.CRISP_RECOVER !== "off"
        ? new HubRecovery(this.#config.crisp, this.#intake, (notice) => this.#subscribers.announce(encode(notice)))
        : null;
    this.#watchdog = new Watchdog(ctx.storage, this.#config.watchdogMs);
    this.#upstream = this.#config.crisp
      ? new Upstream(this.#config.crisp, this.#config.socket, this.#listener())
      : null;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  /** A subscriber's WebSocket, forwarded by the Worker once authenticated (see `toHubRequest`). */
  override async fetch(request: Request): Promise<Response> {
    this.#wake("request");
    let subscribe: SubscribeRequest;
    try {
      subscribe = fromHubRequest(request);
    } catch (error) {
      return errorResponse(error instanceof ApiError ? error : new ApiError("bad_request", "malformed subscription"));
    }
    const now = Date.now();
    if (subscribe.ticket && !this.#store.consumeTicket(subscribe.ticket.id, subscribe.ticket.expiresAt, now)) {
      return errorResponse(new ApiError("unauthorized", "this ticket was already used; ask for a new one"));
    }
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    const subscription: Subscription = { id: crypto.randomUUID(), ...subscribe, connectedAt: now };
    this.#subscribers.accept(server, subscription, this.#log, this.#state());
    return new Response(null, { status: 101, webSocket: client });
  }

  /** `GET /status`; `detailed` adds the upstream filters. */
  async status(detailed: boolean): Promise<HubStatus> {
    this.#wake("request");
    const record = this.#store.record();
    const status: HubStatus = {
      running: this.#store.desired().running,
      upstream: {
        state: this.#state(),
        configured: this.#upstream !== null,
        socket: this.#config.socket,
        opens: record.opens,
        reconnects: Math.max(0, record.readies - 1),
        lastOpen: record.lastOpen,
        lastReadyAt: record.lastReadyAt,
        lastError: this.#lastError,
      },
      lastEventAt: this.#log.lastEventAt,
      subscribers: this.#subscribers.count(),
      log: { seq: this.#log.lastSeq, oldest: this.#log.oldestSeq, capacity: this.#log.capacity },
      watchdog: {
        intervalMs: this.#watchdog.intervalMs,
        lastRunAt: this.#watchdog.lastRunAt,
        nextAt: await this.#watchdog.nextAt(),
      },
      instanceStartedAt: this.#startedAt,
      storage: { writes: this.#meter.writes },
    };
    if (detailed) status.filter = this.#store.filter();
    return status;
  }

  /** `POST /bind`: stores the new upstream filters and applies them to the live connection. */
  async bind(request: BindRequest): Promise<BindResult> {
    this.#wake("request");
    const current = this.#store.filter();
    const filter = {
      events: request.events === undefined ? current.events : request.events,
      websites: request.websites === undefined ? current.websites : request.websites,
    };
    this.#store.setDesired({ filter });
    await this.#upstream?.bind(filter);
    return { filter, upstream: this.#state() };
  }

  /** `POST /upstream`: switches the upstream connection (and the watchdog) on or off. */
  async setRunning(running: boolean): Promise<HubStatus> {
    this.#store.setDesired({ running });
    if (running) {
      this.#blockedUntil = 0;
      this.#wake("start");
      if (this.#upstream) await this.#watchdog.arm();
    } else {
      if (this.#lastFrameAt !== null) this.#store.updateRecord({ aliveAt: this.#lastFrameAt });
      await this.#upstream?.close();
      await this.#watchdog.disarm();
      this.#announce("stopped");
    }
    return this.status(true);
  }

  /**
   * `POST /webhook`, verified by the Worker: logs and fans out the hook's event unless the socket (or an
   * earlier delivery) brought it already, or the upstream filters exclude it. It works while the upstream is
   * down or stopped: that is what web hooks are for.
   */
  async ingestWebhook(hook: IncomingWebhook): Promise<WebhookOutcome> {
    const at = Date.now();
    this.#wake("webhook");
    const data = hook.data;
    const websiteId = hook.website_id ?? (typeof data.website_id === "string" ? data.website_id : null);
    if (!matches(this.#store.filter(), hook.event, websiteId)) return { seq: null, duplicate: false, filtered: true };
    const entry = await this.#intake.event({
      source: "webhook",
      name: hook.event,
      websiteId,
      payload: data,
      at,
      attempt: hook.attempt,
    });
    return entry
      ? { seq: entry.seq, duplicate: false, filtered: false }
      : { seq: null, duplicate: true, filtered: false };
  }

  /**
   * Test-only (`HUB_TEST_ROUTES`): resets this instance with `ctx.abort()`, as a crash or a runtime restart
   * does: its memory (the upstream client, the queue, the deduper) is gone, workerd closes its WebSockets (the
   * subscribers' too), and the next call builds a new instance. The caller's call fails. (A hibernation, where
   * the subscribers' sockets stay, is workerd's own: see test/hub/hub-lifecycle.test.js.)
   */
  simulateEviction(): void {
    if (!this.#config.testRoutes) throw new Error("test routes are disabled");
    this.ctx.abort("simulated eviction");
  }

  /** The watchdog: re-opens the upstream if needed and schedules the next run. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.#watchdog.ran(now);
    this.#wake("alarm");
    if (this.#lastFrameAt !== null) this.#store.alive(this.#lastFrameAt);
    if (this.#upstream && this.#store.desired().running) await this.#watchdog.arm();
  }

  /** Subscribers only send pings, which the runtime answers; anything else is ignored. */
  override webSocketMessage(): void {
    this.#wake("subscriber");
  }

  /** Completes the closing handshake of a leaving subscriber. */
  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    try {
      socket.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  #state(): UpstreamState {
    return this.#upstream?.state ?? "stopped";
  }

  #wake(reason: OpenReason): void {
    const upstream = this.#upstream;
    if (!upstream || !this.#store.desired().running) return;
    if (!this.#watchdogChecked) {
      this.#watchdogChecked = true;
      this.ctx.waitUntil(this.#watchdog.ensureArmed());
    }
    if (upstream.active || Date.now() < this.#blockedUntil) return;
    const record = this.#store.record();
    this.#store.updateRecord({ opens: record.opens + 1, lastOpen: { at: Date.now(), reason } });
    upstream.open(this.#store.filter());
  }

  #announce(upstream: UpstreamState): void {
    if (upstream === this.#announced) return;
    this.#announced = upstream;
    this.#subscribers.announce(encode({ type: "status", upstream, at: Date.now() }));
  }

  /** Any frame from Crisp while ready (events, pings) proves the hub was receiving: a later downtime starts after it. */
  #onFrame(): void {
    if (this.#upstream?.state !== "ready") return;
    const now = Date.now();
    this.#lastFrameAt = now;
    this.#store.alive(now);
  }

  #onEvent(name: string, payload: Record<string, unknown>): void {
    const websiteId = typeof payload.website_id === "string" ? payload.website_id : null;
    this.#intake.event({ source: "socket", name, websiteId, payload, at: Date.now() }).catch(() => {
      console.error(`crisp-hub: could not log ${name.slice(0, 60)}`);
    });
  }

  /**
   * The upstream is receiving again. The downtime runs from the last frame the hub got while ready (in this
   * instance, or the liveness record a former instance wrote, which is never later), less the time a frame
   * may take to arrive ({@link TRANSIT_SLACK_MS}), to now: every event Crisp may have sent and the hub did not
   * log lies inside it. A hub that never received anything reports none.
   */
  #onReady(): void {
    const now = Date.now();
    const record = this.#store.record();
    const lastSeen = this.#lastFrameAt ?? record.aliveAt;
    const since = lastSeen === null ? null : lastSeen - TRANSIT_SLACK_MS;
    this.#lastFrameAt = now;
    this.#store.updateRecord({ readies: record.readies + 1, lastReadyAt: now, aliveAt: now });
    if (since !== null) {
      const downtime = { since, until: now, ms: now - since };
      this.#intake.downtime(downtime).catch(() => console.error("crisp-hub: could not log a downtime"));
      if (this.#recovery) this.ctx.waitUntil(this.#recovery.recover(downtime, this.#store.filter()));
    }
    this.#announce("ready");
  }

  #onError(error: RTMError): void {
    this.#lastError = { code: error.code, message: error.message, at: Date.now() };
  }

  #onClosed(error: RTMError | undefined): void {
    if (error) {
      this.#onError(error);
      if (FATAL_ERROR_CODES.has(error.code)) this.#blockedUntil = Date.now() + FATAL_BACKOFF_MS;
    }
    this.#announce("closed");
  }

  #listener(): UpstreamListener {
    return {
      frame: () => this.#onFrame(),
      event: (name, payload) => this.#onEvent(name, payload),
      ready: () => this.#onReady(),
      disconnect: (info) => this.#announce(info.willReconnect ? "reconnecting" : "closed"),
      reconnecting: () => this.#announce("reconnecting"),
      error: (error) => this.#onError(error),
      closed: (error) => this.#onClosed(error),
    };
  }
}
