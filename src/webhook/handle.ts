import { RTMError } from "../core/errors.js";
import { WEBHOOK_HEADERS } from "./headers.js";
import { parseWebhookBody, type WebhookEvent } from "./parse.js";
import { DEFAULT_WEBHOOK_MAX_BYTES, readBody } from "./read-body.js";
import { parseWebhookSignature } from "./signature.js";
import { parseWebhookTimestamp } from "./timestamp.js";
import { verifyWebhook } from "./verify.js";

/** Options of {@link handleWebhook}. */
export interface HandleWebhookOptions {
  /** The hook's signing secret. */
  secret: string;
  /** Accepted distance between the signing time and now, in seconds; default 300. */
  toleranceSec?: number;
  /** Largest accepted body, in bytes; default 1 MiB. */
  maxBytes?: number;
  /** The current time in milliseconds since the epoch; default `Date.now()`. */
  now?: number;
}

/** How Crisp delivered a hook, from its headers. */
export interface WebhookDelivery {
  /** When Crisp signed the request (`X-Crisp-Request-Timestamp`), in milliseconds since the epoch. */
  signedAt: number;
  /** `X-Crisp-Hook-Origin`, or null. */
  origin: string | null;
  /** `X-Delivery-Attempt-Count`: 1 for the first delivery, more for a retry; null when absent. */
  attempt: number | null;
  /** `X-Delivery-Attempt-Limit`, or null when absent. */
  attemptLimit: number | null;
}

/** A verified web hook: the body's `{ website_id, event, data, timestamp }` and how it was delivered. */
export type VerifiedWebhook = WebhookEvent & {
  /** The website the event belongs to; null when the body has none. */
  website_id: string | null;
  /** The body's timestamp (milliseconds, per Crisp), or the signing time when the body has none. */
  timestamp: number;
  /** The delivery headers. */
  delivery: WebhookDelivery;
};

/**
 * Verifies and parses a Crisp web hook from a `Request` (Workers, Deno, Bun, Node ≥ 18): headers first, then
 * the raw body bytes against the signature, then freshness, then the JSON. Rejects with an {@link RTMError}
 * whose `status` is the answer to give Crisp: `webhook_invalid` 400 (bad body), `webhook_signature` 401
 * (missing, malformed or wrong signature), `webhook_stale` 408 (outside the window), `payload_too_large`
 * 413. It does not check the method or the path: route only `POST` requests to it.
 */
export async function handleWebhook(request: Request, options: HandleWebhookOptions): Promise<VerifiedWebhook> {
  if (typeof options?.secret !== "string" || options.secret === "") {
    throw new RTMError("invalid_options", "handleWebhook() needs the hook's secret (a non-empty string)");
  }
  const maxBytes = options.maxBytes ?? DEFAULT_WEBHOOK_MAX_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) throw new RTMError("invalid_options", "maxBytes must be a positive whole number");
  const headers = request.headers;
  const signature = headers.get(WEBHOOK_HEADERS.signature);
  const timestamp = headers.get(WEBHOOK_HEADERS.timestamp);
  parseWebhookSignature(signature);
  parseWebhookTimestamp(timestamp);
  const body = await readBody(request, maxBytes);
  const verification = await verifyWebhook({
    secret: options.secret,
    body,
    timestamp,
    signature,
    ...(options.toleranceSec === undefined ? {} : { toleranceSec: options.toleranceSec }),
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  const envelope = parseWebhookBody(body);
  const delivery: WebhookDelivery = {
    signedAt: verification.signedAt,
    origin: headers.get(WEBHOOK_HEADERS.origin),
    attempt: count(headers.get(WEBHOOK_HEADERS.attemptCount)),
    attemptLimit: count(headers.get(WEBHOOK_HEADERS.attemptLimit)),
  };
  return { ...envelope, timestamp: envelope.timestamp ?? verification.signedAt, delivery };
}

function count(value: string | null): number | null {
  if (value === null || !/^\s*\d{1,9}\s*$/.test(value)) return null;
  return Number(value);
}
