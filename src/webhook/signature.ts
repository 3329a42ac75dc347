import { webhookError } from "./failure.js";
import { WEBHOOK_HEADERS } from "./headers.js";
import { hexToBytes } from "./hex.js";

/** Length of a hex HMAC-SHA256. */
const SIGNATURE_HEX_LENGTH = 64;

/**
 * Decodes `X-Crisp-Signature` (64 hex digits, either case) into its 32 bytes. Throws `webhook_signature`
 * (401) when it is missing or malformed; the message never repeats the value.
 */
export function parseWebhookSignature(value: string | null | undefined): Uint8Array<ArrayBuffer> {
  const name = WEBHOOK_HEADERS.signature;
  if (value === null || value === undefined || value.trim() === "") throw webhookError("webhook_signature", `the ${name} header is missing`);
  const hex = value.trim();
  const bytes = hex.length === SIGNATURE_HEX_LENGTH ? hexToBytes(hex) : undefined;
  if (!bytes) throw webhookError("webhook_signature", `the ${name} header is not a hex HMAC-SHA256`);
  return bytes;
}
