import { RTMError } from "../core/errors.js";
import { webhookError } from "./failure.js";
import { WEBHOOK_HEADERS } from "./headers.js";
import { hmacKey } from "./hmac-key.js";
import { parseWebhookSignature } from "./signature.js";
import { signedData, type WebhookBody } from "./signed-data.js";
import { subtleCrypto } from "./subtle.js";
import { parseWebhookTimestamp } from "./timestamp.js";

/** Default freshness window: 5 minutes either side of the local clock. */
export const DEFAULT_WEBHOOK_TOLERANCE_SEC = 300;

/** What {@link verifyWebhook} checks. */
export interface VerifyWebhookOptions {
  /** The hook's signing secret (Crisp Marketplace, plugin settings). */
  secret: string;
  /**
   * The body: best the raw bytes or text exactly as received. A parsed object is accepted, as crisp-api does,
   * and re-serialised with `JSON.stringify`; that is weaker: it verifies what the object says rather than
   * what was sent, and fails whenever Crisp's JSON differs from `JSON.stringify`'s (spacing, key order,
   * `\u00e9`-style escapes, numbers such as `1.0`).
   */
  body: WebhookBody;
  /** The `X-Crisp-Request-Timestamp` header, as received (seconds or milliseconds since the epoch). */
  timestamp: string | number | null | undefined;
  /** The `X-Crisp-Signature` header, as received. */
  signature: string | null | undefined;
  /** Accepted distance between the timestamp and `now`, in seconds; default 300. `Infinity` disables the check. */
  toleranceSec?: number;
  /** The current time in milliseconds since the epoch; default `Date.now()`. */
  now?: number;
}

/** What a successful {@link verifyWebhook} learnt. */
export interface WebhookVerification {
  /** When Crisp signed the request, in milliseconds since the epoch. */
  signedAt: number;
}

/**
 * Verifies a Crisp web hook signature with Web Crypto (`crypto.subtle.verify`, which compares in constant
 * time), then its freshness. Rejects with an {@link RTMError} carrying the HTTP status to answer:
 * `webhook_signature` (401) for a missing or malformed header or a signature that does not match,
 * `webhook_stale` (408) for a genuine signature whose timestamp is outside the window, `webhook_invalid` (400)
 * for a body that is neither text, bytes nor an object, `invalid_options` for a bad secret or window.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<WebhookVerification> {
  const toleranceSec = options.toleranceSec ?? DEFAULT_WEBHOOK_TOLERANCE_SEC;
  if (typeof toleranceSec !== "number" || Number.isNaN(toleranceSec) || toleranceSec < 0) {
    throw new RTMError("invalid_options", "toleranceSec must be a number of seconds ≥ 0 (or Infinity)");
  }
  const expected = parseWebhookSignature(options.signature);
  const timestamp = parseWebhookTimestamp(options.timestamp);
  const data = signedData(timestamp.raw, options.body);
  const key = await hmacKey(options.secret);
  if (!(await subtleCrypto().verify("HMAC", key, expected, data))) {
    throw webhookError("webhook_signature", `the ${WEBHOOK_HEADERS.signature} header does not match the body and timestamp`);
  }
  const now = options.now ?? Date.now();
  const skewMs = Math.abs(now - timestamp.ms);
  if (skewMs > toleranceSec * 1000) {
    const when = timestamp.ms < now ? "ago" : "ahead of this clock";
    throw webhookError("webhook_stale", `the web hook was signed ${Math.round(skewMs / 1000)} s ${when}, outside the ${toleranceSec} s window`);
  }
  return { signedAt: timestamp.ms };
}
