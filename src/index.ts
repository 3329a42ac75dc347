/**
 * crisp-rtm: Crisp's real-time events (RTM API) in any JavaScript runtime with `fetch`, `WebSocket`, timers and
 * Web Crypto. Start with {@link CrispRTM}. Two optional entries keep their code out of this one: signed web hooks
 * (the same events over HTTP) are `crisp-rtm/webhook`, and the `fetch` + `Upgrade` WebSocket factory for
 * Cloudflare Workers is `crisp-rtm/fetch-websocket`.
 * @module
 */

export { FATAL_ERROR_CODES, isRTMError, RTMError, type RTMErrorCode, type RTMErrorDetails } from "./core/errors.js";
export { type Redactor, redactor } from "./core/redact.js";
export {
  eventsForTier,
  isRTMEventName,
  RTM_EVENTS,
  type RTMEventName,
  type RTMTier,
} from "./crisp/catalog.js";
export { CrispRTM, type RTMEvent, type WildcardListener } from "./crisp/client.js";
export type { EventStreamOptions } from "./crisp/event-stream.js";
export type { Downtime, RTMLifecycleEvents, RTMLifecycleName, RTMState } from "./crisp/lifecycle.js";
export type { CrispRTMOptions, ReconnectOptions, RecoverClientOptions } from "./crisp/options.js";
export type * from "./crisp/payloads.js";
export type { Filters } from "./crisp/subscription.js";
export { type CrispTier, type DiscoveredEndpoint, type DiscoveryOptions, discoverEndpoint } from "./rest/discover.js";
export type { SocketEndpoint } from "./rest/endpoint.js";
export type { WebSocketConstructor } from "./socketio/websocket-constructor.js";
