import type { HubConfig } from "../config.js";
import { ApiError } from "../http.js";
import { constantTimeEqual, sha256 } from "./bytes.js";
import { type TicketGrant, ticketKey, verifyTicket } from "./ticket.js";

/** Who opened a subscription: a service with the bearer secret, or a browser with a ticket. */
export type Principal = { kind: "service" } | { kind: "ticket"; grant: TicketGrant };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * True when the request carries `Authorization: Bearer <secret>`. Both sides are hashed first, so the
 * comparison takes the same time whatever the length or content of the guess.
 */
async function bearerMatches(request: Request, secret: string): Promise<boolean> {
  const match = BEARER.exec(request.headers.get("Authorization") ?? "");
  const presented = match?.[1];
  if (presented === undefined) return false;
  const [given, expected] = await Promise.all([sha256(presented), sha256(secret)]);
  return constantTimeEqual(given, expected);
}

function secretOf(config: HubConfig): string {
  if (config.subscriberSecret === null) {
    throw new ApiError(
      "misconfigured",
      "SUBSCRIBER_SECRET is not set (or shorter than 16 characters): run `wrangler secret put SUBSCRIBER_SECRET`",
    );
  }
  return config.subscriberSecret;
}

/** True when the request carries the bearer secret (false when none is configured). */
export async function isService(request: Request, config: HubConfig): Promise<boolean> {
  return config.subscriberSecret !== null && bearerMatches(request, config.subscriberSecret);
}

/** Throws `unauthorized` unless the request carries `Authorization: Bearer <SUBSCRIBER_SECRET>`. */
export async function requireService(request: Request, config: HubConfig): Promise<void> {
  if (!(await bearerMatches(request, secretOf(config))))
    throw new ApiError("unauthorized", "a valid bearer secret is required");
}

/**
 * Authenticates a subscriber: the bearer secret, or `?ticket=` (a signed, unexpired ticket from `POST /ticket`;
 * that it was not used before is the hub's check).
 */
export async function authenticateSubscriber(request: Request, url: URL, config: HubConfig): Promise<Principal> {
  const secret = secretOf(config);
  if (await bearerMatches(request, secret)) return { kind: "service" };
  const ticket = url.searchParams.get("ticket");
  if (ticket) {
    const key = await ticketKey(config.ticketSecret, secret);
    const grant = await verifyTicket(key, ticket, Date.now(), config.ticketTtlMs);
    if (grant) return { kind: "ticket", grant };
  }
  throw new ApiError("unauthorized", "a valid bearer secret or an unexpired ticket is required");
}
