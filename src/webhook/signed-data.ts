import { webhookError } from "./failure.js";

/**
 * A web hook body as {@link verifyWebhook} and {@link signWebhook} take it: best the raw bytes or the raw
 * text as received; a parsed object is re-serialised with `JSON.stringify` (the weaker option, see
 * `verifyWebhook`).
 */
export type WebhookBody = string | ArrayBuffer | ArrayBufferView | Readonly<Record<string, unknown>>;

/** The exact bytes Crisp signs: `"[" + timestamp + ";" + body + "]"`, UTF-8. */
export function signedData(timestamp: string, body: WebhookBody): Uint8Array<ArrayBuffer> {
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
  if (body === null || typeof body !== "object") throw webhookError("webhook_invalid", "the web hook body must be a string, bytes or an object");
  let text: string | undefined;
  try {
    text = JSON.stringify(body);
  } catch (cause) {
    throw webhookError("webhook_invalid", "the web hook body object cannot be serialised to JSON", cause);
  }
  if (text === undefined) throw webhookError("webhook_invalid", "the web hook body object cannot be serialised to JSON");
  return encoder.encode(text);
}
