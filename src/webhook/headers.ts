/**
 * The HTTP headers Crisp sends with every web hook. Header lookups through `Headers.get()` ignore case;
 * these are the spellings Crisp documents.
 */
export const WEBHOOK_HEADERS = Object.freeze({
  /** When Crisp signed the request; covered by the signature exactly as sent. */
  timestamp: "X-Crisp-Request-Timestamp",
  /** Hex HMAC-SHA256 of `"[" + timestamp + ";" + body + "]"` (plugin hooks only; website hooks are unsigned). */
  signature: "X-Crisp-Signature",
  /** Which kind of hook sent the request. */
  origin: "X-Crisp-Hook-Origin",
  /** This delivery's attempt number, from 1. */
  attemptCount: "X-Delivery-Attempt-Count",
  /** How many attempts Crisp makes at most. */
  attemptLimit: "X-Delivery-Attempt-Limit",
} as const);
