import { RTMError, type RTMErrorCode } from "../core/errors.js";

/*
 * Crisp's web hook signature, in reading order: the headers Crisp sends, the error a failed check throws, the
 * Web Crypto helpers (hex, SubtleCrypto, the cached HMAC key), the two signature headers' parsers, the exact
 * bytes Crisp signs, and then verifyWebhook and signWebhook, which use all of them.
 */

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

/** The error codes a web hook check can fail with. */
type WebhookErrorCode = Extract<RTMErrorCode, `webhook_${string}`>;

/** The HTTP status each web hook error code stands for: answer Crisp with it. */
const WEBHOOK_ERROR_STATUS: Readonly<Record<WebhookErrorCode, number>> = Object.freeze({
  webhook_invalid: 400,
  webhook_signature: 401,
  webhook_stale: 408,
});

/**
 * Builds the {@link RTMError} of a failed web hook check, with its HTTP status. Callers never put the
 * secret or the signature in `message`.
 */
export function webhookError(code: WebhookErrorCode, message: string, cause?: unknown): RTMError {
  const status = WEBHOOK_ERROR_STATUS[code];
  return new RTMError(code, message, cause === undefined ? { status } : { status, cause });
}

const HEX = /^[0-9a-f]*$/i;

/** Lower-case hex of some bytes. */
export function bytesToHex(bytes: Uint8Array): string {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex;
}

/** The bytes of an even-length hex string (either case), or `undefined` when it is not hex. */
function hexToBytes(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !HEX.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/**
 * The runtime's Web Crypto `SubtleCrypto`. Throws `invalid_options` where there is none (old runtimes,
 * browser pages not served from a secure context).
 */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new RTMError(
      "invalid_options",
      "Web Crypto (crypto.subtle) is not available here; a secure context or a newer runtime is needed",
    );
  }
  return subtle;
}

const MAX_CACHED_KEYS = 8;
const cache = new Map<string, Promise<CryptoKey>>();

/**
 * The HMAC-SHA256 `CryptoKey` (sign and verify) of a web hook secret. Imported keys are cached per secret
 * (at most 8, oldest dropped first), so verifying many hooks costs one import.
 */
function hmacKey(secret: string): Promise<CryptoKey> {
  if (typeof secret !== "string" || secret === "") {
    return Promise.reject(new RTMError("invalid_options", "the web hook secret must be a non-empty string"));
  }
  const cached = cache.get(secret);
  if (cached) return cached;
  let pending: Promise<CryptoKey>;
  try {
    pending = subtleCrypto().importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  } catch (error) {
    return Promise.reject(error);
  }
  pending.catch(() => cache.delete(secret));
  cache.set(secret, pending);
  if (cache.size > MAX_CACHED_KEYS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return pending;
}

/** Length of a hex HMAC-SHA256. */
const SIGNATURE_HEX_LENGTH = 64;

/**
 * Decodes `X-Crisp-Signature` (64 hex digits, either case) into its 32 bytes. Throws `webhook_signature`
 * (401) when it is missing or malformed; the message never repeats the value.
 */
export function parseWebhookSignature(value: string | null | undefined): Uint8Array<ArrayBuffer> {
  const name = WEBHOOK_HEADERS.signature;
  if (value === null || value === undefined || value.trim() === "")
    throw webhookError("webhook_signature", `the ${name} header is missing`);
  const hex = value.trim();
  const bytes = hex.length === SIGNATURE_HEX_LENGTH ? hexToBytes(hex) : undefined;
  if (!bytes) throw webhookError("webhook_signature", `the ${name} header is not a hex HMAC-SHA256`);
  return bytes;
}

/** Values from this one up are milliseconds (1e12 ms is September 2001); smaller ones are seconds. */
const MILLISECONDS_THRESHOLD = 1e12;

/** A parsed `X-Crisp-Request-Timestamp`. */
interface WebhookTimestamp {
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
  if (value === null || value === undefined || value === "")
    throw webhookError("webhook_signature", `the ${name} header is missing`);
  const raw = typeof value === "number" ? String(value) : value.trim();
  if (!/^\d{1,16}$/.test(raw)) throw webhookError("webhook_signature", `the ${name} header is not a whole number`);
  const n = Number(raw);
  return { raw, ms: n >= MILLISECONDS_THRESHOLD ? n : n * 1000 };
}

/**
 * A web hook body as {@link verifyWebhook} and {@link signWebhook} take it: best the raw bytes or the raw
 * text as received; a parsed object is re-serialised with `JSON.stringify` (the weaker option, see
 * `verifyWebhook`).
 */
export type WebhookBody = string | ArrayBuffer | ArrayBufferView | Readonly<Record<string, unknown>>;

/** The exact bytes Crisp signs: `"[" + timestamp + ";" + body + "]"`, UTF-8. */
function signedData(timestamp: string, body: WebhookBody): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const head = encoder.encode(`[${timestamp};`);
  const middle = bodyBytes(body, encoder);
  const data = new Uint8Array(head.length + middle.length + 1);
  data.set(head, 0);
  data.set(middle, head.length);
  data[data.length - 1] = 0x5d;
  return data;
}

function bodyBytes(body: WebhookBody, encoder: TextEncoder): Uint8Array {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  if (body === null || typeof body !== "object")
    throw webhookError("webhook_invalid", "the web hook body must be a string, bytes or an object");
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    throw webhookError("webhook_invalid", "the web hook body object cannot be serialised to JSON", cause);
  }
  if (text === undefined)
    throw webhookError("webhook_invalid", "the web hook body object cannot be serialised to JSON");
  return encoder.encode(text);
}

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
    throw webhookError(
      "webhook_signature",
      `the ${WEBHOOK_HEADERS.signature} header does not match the body and timestamp`,
    );
  }
  const now = options.now ?? Date.now();
  const skewMs = Math.abs(now - timestamp.ms);
  if (skewMs > toleranceSec * 1000) {
    const when = timestamp.ms < now ? "ago" : "ahead of this clock";
    throw webhookError(
      "webhook_stale",
      `the web hook was signed ${Math.round(skewMs / 1000)} s ${when}, outside the ${toleranceSec} s window`,
    );
  }
  return { signedAt: timestamp.ms };
}

/** What {@link signWebhook} signs. */
export interface SignWebhookOptions {
  /** The hook's signing secret. */
  secret: string;
  /** The body exactly as it will be sent. */
  body: WebhookBody;
  /** The `X-Crisp-Request-Timestamp` value exactly as it will be sent. */
  timestamp: string | number;
}

/**
 * Computes a Crisp web hook signature (hex HMAC-SHA256 of `"[" + timestamp + ";" + body + "]"`) with Web
 * Crypto: to test a handler, or to forward a hook to another service that verifies it.
 */
export async function signWebhook(options: SignWebhookOptions): Promise<string> {
  const key = await hmacKey(options.secret);
  const mac = await subtleCrypto().sign("HMAC", key, signedData(String(options.timestamp), options.body));
  return bytesToHex(new Uint8Array(mac));
}
