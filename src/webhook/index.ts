/**
 * crisp-rtm/webhook: Crisp's signed web hooks with Web Crypto (verify, handle a `Request`, sign for tests) and
 * the deduplication of events that arrive both over the socket and as hooks. It is an entry of its own, so
 * that a client that never checks a hook never downloads this code.
 * @module
 */
export { RTMError, isRTMError, type RTMErrorCode, type RTMErrorDetails } from "../core/errors.js";
export {
  WEBHOOK_HEADERS,
  type WebhookBody,
  signWebhook,
  type SignWebhookOptions,
  verifyWebhook,
  DEFAULT_WEBHOOK_TOLERANCE_SEC,
  type VerifyWebhookOptions,
  type WebhookVerification,
} from "./verify.js";
export {
  DEFAULT_WEBHOOK_MAX_BYTES,
  parseWebhookBody,
  type WebhookEvent,
  type WebhookEnvelope,
  handleWebhook,
  type HandleWebhookOptions,
  type VerifiedWebhook,
  type WebhookDelivery,
} from "./handle.js";
export {
  webhookEventKey,
  type KeyedEvent,
  webhookEventDigest,
  RecentKeys,
  type RecentKeysOptions,
  EventDeduper,
  type DeliverySource,
  type EventDeduperOptions,
} from "./dedupe.js";
