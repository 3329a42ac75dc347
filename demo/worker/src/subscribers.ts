import { type EventFilter, matches } from "./filters.js";
import { ApiError } from "./http.js";
import { DEFAULT_PROTOCOL, encode, encodeBatch, type ProtocolVersion, type UpstreamState } from "./protocol.js";
import type { LogEntry, ReplayLog } from "./replay-log.js";

/** One subscriber's subscription, kept as its WebSocket's attachment (it survives hibernation). */
export interface Subscription {
  id: string;
  /** `service` (bearer secret) or `ticket` (a browser). */
  kind: "service" | "ticket";
  /** What the subscriber asked for. */
  filter: EventFilter;
  /** What its ticket allows; null for services. */
  scope: EventFilter | null;
  /** The ticket it came with (accepted once); null for services. */
  ticket: { id: string; expiresAt: number } | null;
  /** The last sequence number it had seen (`?since=`), or null for live events only. */
  since: number | null;
  /** `?protocol=`; absent in the attachments of subscribers that came before version 2 existed (they have 1). */
  protocol?: ProtocolVersion;
  connectedAt: number;
}

/** The part of a {@link Subscription} the Worker decides and hands to the hub. */
export type SubscribeRequest = Pick<Subscription, "kind" | "filter" | "scope" | "ticket" | "since" | "protocol">;

const HEADER = "X-Crisp-Hub-Subscribe";
const INTERNAL_URL = "https://crisp-hub.internal/subscribe";
const TAG = "subscriber";
/** Most replayed entries in one `batch` frame of a version 2 greeting. */
const REPLAY_BATCH = 500;

/** True when the subscription wants this log entry: every downtime; events its filter and ticket scope both let through. */
export function wants(subscription: Subscription, entry: Pick<LogEntry, "name" | "websiteId">): boolean {
  const { name, websiteId } = entry;
  if (name === null) return true;
  return (
    matches(subscription.filter, name, websiteId) &&
    (subscription.scope === null || matches(subscription.scope, name, websiteId))
  );
}

/**
 * The request the Worker sends to the hub for an authenticated subscriber: a fresh request carrying only
 * the checked subscription (nothing of the subscriber's own request, its credentials included, goes on).
 */
export function toHubRequest(subscribe: SubscribeRequest): Request {
  return new Request(INTERNAL_URL, { headers: { Upgrade: "websocket", [HEADER]: JSON.stringify(subscribe) } });
}

/** Reads the subscription of a request made by {@link toHubRequest}. */
export function fromHubRequest(request: Request): SubscribeRequest {
  const header = request.headers.get(HEADER);
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || header === null) {
    throw new ApiError("upgrade_required", "the hub only accepts WebSocket subscriptions");
  }
  try {
    return JSON.parse(header) as SubscribeRequest;
  } catch {
    throw new ApiError("bad_request", "malformed subscription");
  }
}

/** A subscription with the key of what it receives: subscribers with equal keys get the very same frames. */
interface Audience {
  subscription: Subscription;
  key: string;
}

/**
 * The subscribers' WebSockets, accepted through the hibernation API: the runtime holds them, each carries its
 * {@link Subscription} as an attachment, and they outlive the Durable Object's in-memory state. A batch of
 * log entries is serialised once per distinct (filter, scope, protocol) and sent as one frame per subscriber
 * (version 2) or one frame per entry (version 1).
 */
export class Subscribers {
  readonly #ctx: DurableObjectState;
  readonly #cache = new WeakMap<WebSocket, Audience>();

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /**
   * Takes over the server end of a new subscriber's socket and sends its greeting: `hello`; with `since`, a
   * `reset` when `since` is ahead of the hub, a `gap` for what fell out of the log, the kept entries it wants;
   * then `live`. Run it between two batches, so the replay and the live frames neither overlap nor leave a hole.
   */
  accept(socket: WebSocket, subscription: Subscription, log: ReplayLog, upstream: UpstreamState): void {
    this.#ctx.acceptWebSocket(socket, [TAG]);
    socket.serializeAttachment(subscription);
    this.#cache.set(socket, audienceOf(subscription));
    const last = log.lastSeq;
    const oldest = log.oldestSeq;
    const protocol = subscription.protocol ?? DEFAULT_PROTOCOL;
    send(
      socket,
      encode({
        type: "hello",
        protocol,
        seq: last,
        oldest,
        upstream,
        filter: subscription.filter,
        scope: subscription.scope,
      }),
    );
    let replayed = 0;
    if (subscription.since !== null) {
      let since = subscription.since;
      if (since > last) {
        send(socket, encode({ type: "reset", since, seq: last }));
        since = 0;
      }
      const firstKept = oldest ?? last + 1;
      if (since + 1 < firstKept) send(socket, encode({ type: "gap", from: since + 1, to: firstKept - 1 }));
      const entries = log.after(since).filter((entry) => wants(subscription, entry));
      replayed = entries.length;
      for (let start = 0; start < entries.length; start += REPLAY_BATCH) {
        for (const frame of framesFor(protocol, entries.slice(start, start + REPLAY_BATCH))) send(socket, frame);
      }
    }
    send(socket, encode({ type: "live", seq: last, replayed }));
  }

  /** How many subscribers are connected. */
  count(): number {
    return this.#ctx.getWebSockets(TAG).length;
  }

  /** Sends a batch of new log entries to every subscriber that wants some of them. */
  broadcast(entries: readonly LogEntry[]): void {
    const frames = new Map<string, string[]>();
    for (const socket of this.#ctx.getWebSockets(TAG)) {
      const audience = this.#audienceOf(socket);
      if (!audience) continue;
      let mine = frames.get(audience.key);
      if (!mine) {
        const { subscription } = audience;
        mine = framesFor(
          subscription.protocol ?? DEFAULT_PROTOCOL,
          entries.filter((entry) => wants(subscription, entry)),
        );
        frames.set(audience.key, mine);
      }
      for (const frame of mine) send(socket, frame);
    }
  }

  /** Sends a message to every subscriber. */
  announce(message: string): void {
    for (const socket of this.#ctx.getWebSockets(TAG)) send(socket, message);
  }

  #audienceOf(socket: WebSocket): Audience | null {
    let audience = this.#cache.get(socket);
    if (!audience) {
      const subscription = socket.deserializeAttachment() as Subscription | null;
      if (!subscription) return null;
      audience = audienceOf(subscription);
      this.#cache.set(socket, audience);
    }
    return audience;
  }
}

function audienceOf(subscription: Subscription): Audience {
  const { filter, scope, protocol } = subscription;
  return { subscription, key: JSON.stringify([filter, scope, protocol ?? DEFAULT_PROTOCOL]) };
}

/** The frames that carry these entries: one per entry (version 1), or one `batch` (version 2); none for no entry. */
function framesFor(protocol: ProtocolVersion, entries: readonly LogEntry[]): string[] {
  if (entries.length === 0) return [];
  if (protocol === 1) return entries.map((entry) => entry.message);
  return [encodeBatch(entries.map((entry) => entry.message))];
}

/** Sends on a socket that may be closing; false when it could not. */
function send(socket: WebSocket, message: string): boolean {
  try {
    socket.send(message);
    return true;
  } catch {
    return false;
  }
}
