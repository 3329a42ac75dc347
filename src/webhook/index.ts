/**
 * crisp-rtm/webhook: Crisp's signed web hooks with Web Crypto (verify, handle a `Request`, sign for tests) and
 * the deduplication of events that arrive both over the socket and as hooks. It is an entry of its own, so
 * that a client that never checks a hook never downloads this code.
 * @module
 */
export { isRTMError, RTMError, type RTMErrorCode, type RTMErrorDetails } from "../core/errors.js";
export {
  type DeliverySource,
  EventDeduper,
  type EventDeduperOptions,
  type KeyedEvent,
  RecentKeys,
  type RecentKeysOptions,
  webhookEventDigest,
  webhookEventKey,
} from "./dedupe.js";
export {
  DEFAULT_WEBHOOK_MAX_BYTES,
  type HandleWebhookOptions,
  handleWebhook,
  parseWebhookBody,
  type VerifiedWebhook,
  type WebhookDelivery,
  type WebhookEnvelope,
  type WebhookEvent,
} from "./handle.js";
export {
  DEFAULT_WEBHOOK_TOLERANCE_SEC,
  type SignWebhookOptions,
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
  WEBHOOK_HEADERS,
  type WebhookBody,
  type WebhookVerification,
} from "./verify.js";
