/**
 * crisp-rtm/webhook: Crisp's signed web hooks with Web Crypto (verify, handle a `Request`, sign for tests) and
 * the deduplication of events that arrive both over the socket and as hooks. `verifyWebhook` and
 * `handleWebhook` are also exported by the main entry, which loads this module on their first call.
 * @module
 */
export { RTMError, isRTMError, type RTMErrorCode, type RTMErrorDetails } from "../core/errors.js";
export { WEBHOOK_HEADERS } from "./headers.js";
export type { WebhookBody } from "./signed-data.js";
export { signWebhook, type SignWebhookOptions } from "./sign.js";
export { verifyWebhook, DEFAULT_WEBHOOK_TOLERANCE_SEC, type VerifyWebhookOptions, type WebhookVerification } from "./verify.js";
export { DEFAULT_WEBHOOK_MAX_BYTES } from "./read-body.js";
export { parseWebhookBody, type WebhookEvent, type WebhookEnvelope } from "./parse.js";
export { handleWebhook, type HandleWebhookOptions, type VerifiedWebhook, type WebhookDelivery } from "./handle.js";
export { webhookEventKey, type KeyedEvent } from "./event-key.js";
export { webhookEventDigest } from "./event-digest.js";
export { RecentKeys, type RecentKeysOptions } from "./recent-keys.js";
export { EventDeduper, type DeliverySource, type EventDeduperOptions } from "./dedupe.js";
