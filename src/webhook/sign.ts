import { bytesToHex } from "./hex.js";
import { hmacKey } from "./hmac-key.js";
import { signedData, type WebhookBody } from "./signed-data.js";
import { subtleCrypto } from "./subtle.js";

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
