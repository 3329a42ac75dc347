import { matches, type EventFilter } from "./filters.js";
import { ApiError } from "./http.js";
import type { LogEntry } from "./replay-log.js";

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
  connectedAt: number;
}

/** The part of a {@link Subscription} the Worker decides and hands to the hub. */
export type SubscribeRequest = Pick<Subscription, "kind" | "filter" | "scope" | "ticket" | "since">;

const HEADER = "X-Crisp-Hub-Subscribe";
const INTERNAL_URL = "https://crisp-hub.internal/subscribe";

/** True when the subscription wants this log entry: every downtime; events its filter and ticket scope both let through. */
export function wants(subscription: Subscription, entry: Pick<LogEntry, "name" | "websiteId">): boolean {
  const { name, websiteId } = entry;
  if (name === null) return true;
  return matches(subscription.filter, name, websiteId) && (subscription.scope === null || matches(subscription.scope, name, websiteId));
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
