// @ts-check
/**
 * Crisp-style web hooks sent by the emulator: the body `{ website_id, event, data, timestamp }`, signed with
 * Node's `crypto.createHmac` (an implementation independent of the library's Web Crypto one, so tests can
 * check one against the other) and POSTed with Crisp's header names.
 */
import { createHmac } from "node:crypto";
import { ControlError } from "./control.js";

/** The header names Crisp sends with a web hook. */
export const WEBHOOK_HEADER_NAMES = Object.freeze({
  timestamp: "X-Crisp-Request-Timestamp",
  signature: "X-Crisp-Signature",
  origin: "X-Crisp-Hook-Origin",
  attemptCount: "X-Delivery-Attempt-Count",
  attemptLimit: "X-Delivery-Attempt-Limit",
});

/**
 * Hex HMAC-SHA256 of `"[" + timestamp + ";" + body + "]"`, as Crisp signs plugin hooks.
 * @param {{ secret: string, body: string | Uint8Array, timestamp: string | number }} options
 * @returns {string}
 */
export function signWebhook({ secret, body, timestamp }) {
  const mac = createHmac("sha256", secret);
  mac.update(`[${timestamp};`, "utf8");
  mac.update(typeof body === "string" ? Buffer.from(body, "utf8") : body);
  mac.update("]", "utf8");
  return mac.digest("hex");
}

/**
 * What {@link sendWebhook} sends.
 * @typedef {object} SendWebhookOptions
 * @property {string} url Where to POST.
 * @property {string | null} secret Signing secret; null sends an unsigned hook (as website hooks are).
 * @property {string} event Event name.
 * @property {Record<string, unknown>} data The event's payload, as over RTM.
 * @property {string | null} [website_id] Default: `data.website_id`, else null.
 * @property {number | string} [timestamp] `X-Crisp-Request-Timestamp` as sent; default `Date.now()` (ms).
 * @property {number} [attempt] `X-Delivery-Attempt-Count`; default 1.
 * @property {number} [attemptLimit] `X-Delivery-Attempt-Limit`; default 3.
 * @property {string} [origin] `X-Crisp-Hook-Origin`; default "plugin".
 * @property {string} [body] Raw body to send instead of the JSON built from the fields (fault injection).
 * @property {string} [signature] Signature to send instead of the computed one (fault injection).
 * @property {number} [timeoutMs] Request timeout; default 10 000.
 */

/**
 * The outcome of {@link sendWebhook}.
 * @typedef {object} SendWebhookResult
 * @property {number} status The receiver's HTTP status.
 * @property {string} text The receiver's response body.
 * @property {{ body: string, headers: Record<string, string> }} sent Exactly what was POSTed.
 */

/**
 * The JSON body of a web hook. A string `website_id` is also written into `data` when it has none.
 * @param {{ website_id: string | null, event: string, data: Record<string, unknown>, timestamp: number }} fields
 * @returns {string}
 */
export function webhookBody({ website_id, event, data, timestamp }) {
  const payload = website_id !== null && data.website_id === undefined ? { website_id, ...data } : data;
  return JSON.stringify({ website_id, event, data: payload, timestamp });
}

/**
 * Signs and POSTs one web hook with Crisp's headers; resolves with the receiver's answer.
 * @param {SendWebhookOptions} options
 * @returns {Promise<SendWebhookResult>}
 */
export async function sendWebhook(options) {
  const timestamp = options.timestamp ?? Date.now();
  const websiteId =
    options.website_id ?? (typeof options.data.website_id === "string" ? options.data.website_id : null);
  const bodyTime = Number(timestamp) >= 1e12 ? Number(timestamp) : Number(timestamp) * 1000;
  const body =
    options.body ??
    webhookBody({ website_id: websiteId, event: options.event, data: options.data, timestamp: bodyTime });
  /** @type {Record<string, string>} */
  const headers = {
    "Content-Type": "application/json; charset=utf-8",
    "User-Agent": "crisp-rtm-emulator (web hooks)",
    [WEBHOOK_HEADER_NAMES.timestamp]: String(timestamp),
    [WEBHOOK_HEADER_NAMES.origin]: options.origin ?? "plugin",
    [WEBHOOK_HEADER_NAMES.attemptCount]: String(options.attempt ?? 1),
    [WEBHOOK_HEADER_NAMES.attemptLimit]: String(options.attemptLimit ?? 3),
  };
  if (options.secret !== null) {
    headers[WEBHOOK_HEADER_NAMES.signature] =
      options.signature ?? signWebhook({ secret: options.secret, body, timestamp });
  }
  const response = await fetch(options.url, {
    method: "POST",
    headers,
    body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  return { status: response.status, text: await response.text(), sent: { body, headers } };
}

/**
 * The control operation `POST /_emulator/webhook`: checks its JSON body, then {@link sendWebhook}.
 * Bad input is a `ControlError` 400; a receiver that cannot be reached, 502.
 * @param {unknown} body
 * @returns {Promise<SendWebhookResult>}
 */
export async function controlWebhook(body) {
  const options = webhookRequest(body);
  try {
    return await sendWebhook(options);
  } catch (error) {
    throw new ControlError(
      `could not POST the web hook: ${error instanceof Error ? error.message : String(error)}`,
      502,
    );
  }
}

/**
 * Validates the body of `POST /_emulator/webhook`.
 * @param {unknown} body
 * @returns {SendWebhookOptions}
 */
export function webhookRequest(body) {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new ControlError("expected a JSON object");
  const args = /** @type {Record<string, unknown>} */ (body);
  const url = args.url;
  if (typeof url !== "string" || !/^https?:\/\//.test(url)) throw new ControlError("url must be an http(s) URL");
  if (args.secret !== null && (typeof args.secret !== "string" || args.secret === ""))
    throw new ControlError("secret must be a non-empty string or null");
  if (typeof args.event !== "string" || args.event === "") throw new ControlError("event must be a non-empty string");
  const data = args.data ?? {};
  if (typeof data !== "object" || data === null || Array.isArray(data))
    throw new ControlError("data must be a JSON object");
  /** @type {SendWebhookOptions} */
  const options = { url, secret: args.secret, event: args.event, data: /** @type {Record<string, unknown>} */ (data) };
  if (args.website_id !== undefined) {
    if (args.website_id !== null && typeof args.website_id !== "string")
      throw new ControlError("website_id must be a string or null");
    options.website_id = args.website_id;
  }
  if (args.timestamp !== undefined) {
    if (typeof args.timestamp !== "number" && typeof args.timestamp !== "string")
      throw new ControlError("timestamp must be a number or a string");
    options.timestamp = args.timestamp;
  }
  for (const name of /** @type {const} */ (["attempt", "attemptLimit", "timeoutMs"])) {
    const value = args[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1)
      throw new ControlError(`${name} must be a whole number ≥ 1`);
    options[name] = value;
  }
  for (const name of /** @type {const} */ (["origin", "body", "signature"])) {
    const value = args[name];
    if (value === undefined) continue;
    if (typeof value !== "string") throw new ControlError(`${name} must be a string`);
    options[name] = value;
  }
  return options;
}
