/** Every reason a crisp-rtm call or connection can fail. */
export type RTMErrorCode =
  | "unauthorized"
  | "discovery_failed"
  | "rate_limited"
  | "timeout"
  | "insecure_endpoint"
  | "protocol_error"
  | "connection_failed"
  | "payload_too_large"
  | "listener_error"
  | "unavailable_event"
  | "overflow"
  | "closed"
  | "aborted"
  | "invalid_options"
  | "webhook_invalid"
  | "webhook_signature"
  | "webhook_stale"
  | "forbidden_scope"
  | "recovery_failed";

/**
 * The codes after which a connection stops for good instead of retrying: a refused token, an insecure or invalid
 * setting, or the caller's own `close()` / abort. Shared by the client and anything that supervises one (the
 * Durable Object hub), so both agree on what retrying cannot fix.
 */
export const FATAL_ERROR_CODES: ReadonlySet<RTMErrorCode> = new Set<RTMErrorCode>([
  "unauthorized",
  "insecure_endpoint",
  "invalid_options",
  "aborted",
  "closed",
]);

/** Extra facts an {@link RTMError} may carry. */
export interface RTMErrorDetails {
  /** HTTP status of the response that caused the error, when there was one. */
  status?: number;
  /** How long the server asked us to wait before trying again (from `Retry-After`). */
  retryAfterMs?: number;
  /** The underlying error or value. */
  cause?: unknown;
}

/** Marks an RTMError of any copy of this module: `crisp-rtm` and `crisp-rtm/webhook` each bundle one. */
const BRAND = Symbol.for("crisp-rtm.RTMError");

/**
 * The one error type crisp-rtm throws, rejects with and reports through `rtm:error`. `instanceof RTMError`
 * holds for an RTMError of either entry (`crisp-rtm`, `crisp-rtm/webhook`), as each bundles its own copy.
 */
export class RTMError extends Error {
  /** True for an RTMError made by either entry. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND] === true;
  }

  /** The mark {@link RTMError}'s `instanceof` looks for. */
  get [BRAND](): true {
    return true;
  }

  /** Machine-readable reason. */
  readonly code: RTMErrorCode;
  /** HTTP status, when the error came from an HTTP response. */
  readonly status: number | undefined;
  /** Server-requested delay before a retry, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: RTMErrorCode, message: string, details: RTMErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "RTMError";
    this.code = code;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** True when `value` is an {@link RTMError}, optionally of the given code. */
export function isRTMError(value: unknown, code?: RTMErrorCode): value is RTMError {
  return value instanceof RTMError && (code === undefined || value.code === code);
}

/** Wraps any thrown value into an {@link RTMError} with the given code, keeping RTMErrors as they are. */
export function toRTMError(value: unknown, code: RTMErrorCode, message: string): RTMError {
  return value instanceof RTMError ? value : new RTMError(code, message, { cause: value });
}

/** What an error says when {@link isTlsTrustFailure}: the fix is on the certificate's side, not the network's. */
export const UNTRUSTED = "untrusted TLS certificate";

/**
 * True when a runtime's network error is a TLS trust failure (an unknown issuer, a self-signed or expired
 * certificate), so the message can say so: Node words it `self-signed certificate` or
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE` in the error's `cause`, Deno `invalid peer certificate: UnknownIssuer`.
 */
export function isTlsTrustFailure(value: unknown): boolean {
  for (let depth = 0; value && depth < 4; depth += 1) {
    const v = value as { message?: unknown; code?: unknown; cause?: unknown; error?: unknown };
    if (/certificate|CERT_|UnknownIssuer|SSL/i.test(`${v.code} ${v.message ?? value}`)) return true;
    value = v.cause ?? v.error ?? (v as { description?: unknown }).description;
  }
  return false;
}
