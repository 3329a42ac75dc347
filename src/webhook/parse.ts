import type { RTMEventName } from "../crisp/catalog.js";
import type { RTMPayload } from "../crisp/payloads.js";
import { webhookError } from "./failure.js";

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
  if (!isObject(data)) throw webhookError("webhook_invalid", `the web hook body of ${event.slice(0, 60)} has no data object`);
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
