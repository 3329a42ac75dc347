import { webhookError } from "./failure.js";
import { WEBHOOK_HEADERS } from "./headers.js";

/** Values from this one up are milliseconds (1e12 ms is September 2001); smaller ones are seconds. */
export const MILLISECONDS_THRESHOLD = 1e12;

/** A parsed `X-Crisp-Request-Timestamp`. */
export interface WebhookTimestamp {
  /** The value exactly as sent: the signature covers these characters. */
  raw: string;
  /** The same instant in milliseconds since the epoch. */
  ms: number;
}

/**
 * Parses the signing timestamp, in seconds or in milliseconds since the epoch (values ≥ 1e12 are taken as
 * milliseconds). Throws `webhook_signature` (401) when it is missing or not a whole number.
 */
export function parseWebhookTimestamp(value: string | number | null | undefined): WebhookTimestamp {
  const name = WEBHOOK_HEADERS.timestamp;
  if (value === null || value === undefined || value === "") throw webhookError("webhook_signature", `the ${name} header is missing`);
  const raw = typeof value === "number" ? String(value) : value.trim();
  if (!/^\d{1,16}$/.test(raw)) throw webhookError("webhook_signature", `the ${name} header is not a whole number`);
  const n = Number(raw);
  return { raw, ms: n >= MILLISECONDS_THRESHOLD ? n : n * 1000 };
}
