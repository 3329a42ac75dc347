import { RTMError } from "../core/errors.js";
import type { RTMEventName } from "../crisp/catalog.js";
import type { RTMPayload } from "../crisp/payloads.js";
import {
  parseWebhookSignature,
  parseWebhookTimestamp,
  verifyWebhook,
  WEBHOOK_HEADERS,
  webhookError,
} from "./verify.js";

/*
 * A web hook as a `Request`, in reading order: reading the body within a size limit, parsing the JSON
 * envelope, and handleWebhook, which checks the headers, verifies the body (verify.ts) and parses it.
 */

/** Default largest accepted web hook body: 1 MiB (Crisp's are a few kilobytes). */
export const DEFAULT_WEBHOOK_MAX_BYTES = 1024 * 1024;

/**
 * Reads a request body as raw bytes, at most `maxBytes` of them. Throws `payload_too_large` (413) beyond
 * that (a too large `Content-Length` is refused before reading), `webhook_invalid` (400) when the body was
 * already consumed or cannot be read.
 */
async function readBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  if (request.bodyUsed) throw webhookError("webhook_invalid", "the request body was already read");
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const stream = request.body;
  if (!stream) return new Uint8Array(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        void reader.cancel().catch(() => undefined);
        throw tooLarge(maxBytes);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof RTMError) throw error;
    throw webhookError("webhook_invalid", "the request body could not be read", error);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

function tooLarge(maxBytes: number): RTMError {
  return new RTMError("payload_too_large", `the web hook body is larger than ${maxBytes} bytes`, { status: 413 });
}

/**
 * An event name with its payload, one member per catalogued name, so that checking `event` narrows `data`.
 * Names Crisp adds later pass through unchanged (their `data` is then a plain object), as with socket events.
 */
export type WebhookEvent = { [K in RTMEventName]: { event: K; data: RTMPayload<K> } }[RTMEventName];

/** A web hook body: `{ website_id, event, data, timestamp }`. */
export type WebhookEnvelope = WebhookEvent & {
  /** The website the event belongs to; null when the body has none. */
  website_id: string | null;
  /** The body's own timestamp (milliseconds since the epoch, per Crisp); null when it has none. */
  timestamp: number | null;
};

/**
 * Parses and checks a web hook body (UTF-8 JSON). Throws `webhook_invalid` (400) when it is not JSON or not
 * `{ event: string, data: object, website_id?: string, timestamp?: number }`. Verify the signature first.
 */
export function parseWebhookBody(body: string | Uint8Array): WebhookEnvelope {
  let value: unknown;
  try {
    const text = typeof body === "string" ? body : new TextDecoder("utf-8", { fatal: true }).decode(body);
    value = JSON.parse(text);
  } catch (cause) {
    throw webhookError("webhook_invalid", "the web hook body is not UTF-8 JSON", cause);
  }
  if (!isObject(value)) throw webhookError("webhook_invalid", "the web hook body is not a JSON object");
  const { event, data, website_id: websiteId, timestamp } = value;
  if (typeof event !== "string" || event === "" || event === "*" || event.startsWith("rtm:")) {
    throw webhookError("webhook_invalid", "the web hook body has no valid event name");
  }
  if (!isObject(data))
    throw webhookError("webhook_invalid", `the web hook body of ${event.slice(0, 60)} has no data object`);
  if (websiteId !== undefined && websiteId !== null && typeof websiteId !== "string") {
    throw webhookError("webhook_invalid", "the web hook body's website_id is not a string");
  }
  if (timestamp !== undefined && timestamp !== null && !Number.isFinite(timestamp)) {
    throw webhookError("webhook_invalid", "the web hook body's timestamp is not a number");
  }
  return {
    event,
    data,
    website_id: websiteId ?? null,
    timestamp: typeof timestamp === "number" ? timestamp : null,
  } as WebhookEnvelope;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

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
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0)
    throw new RTMError("invalid_options", "maxBytes must be a positive whole number");
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
