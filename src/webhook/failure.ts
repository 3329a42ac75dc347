import { RTMError, type RTMErrorCode } from "../core/errors.js";

/** The error codes a web hook check can fail with. */
export type WebhookErrorCode = Extract<RTMErrorCode, `webhook_${string}`>;

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
