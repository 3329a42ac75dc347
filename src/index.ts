/**
 * crisp-rtm: Crisp's real-time events (RTM API) in any JavaScript runtime with `fetch`, `WebSocket`, timers and
 * Web Crypto. Start with {@link CrispRTM}. Two optional entries keep their code out of this one: signed web hooks
 * (the same events over HTTP) are `crisp-rtm/webhook`, and the `fetch` + `Upgrade` WebSocket factory for
 * Cloudflare Workers is `crisp-rtm/fetch-websocket`.
 * @module
 */
export { CrispRTM, type RTMEvent, type WildcardListener } from "./crisp/client.js";
export type { CrispRTMOptions, ReconnectOptions, RecoverClientOptions } from "./crisp/options.js";
export type { RTMLifecycleEvents, RTMLifecycleName, RTMState, Downtime } from "./crisp/lifecycle.js";
export type { EventStreamOptions } from "./crisp/event-stream.js";
export type { Filters } from "./crisp/subscription.js";
export {
  RTM_EVENTS,
  eventsForTier,
  isRTMEventName,
  type RTMEventName,
  type RTMTier,
} from "./crisp/catalog.js";
export type * from "./crisp/payloads.js";
export { RTMError, isRTMError, FATAL_ERROR_CODES, type RTMErrorCode, type RTMErrorDetails } from "./core/errors.js";
export { redactor, type Redactor } from "./core/redact.js";
export { discoverEndpoint, type DiscoveryOptions, type DiscoveredEndpoint, type CrispTier } from "./rest/discover.js";
export type { SocketEndpoint } from "./rest/endpoint.js";
export type { WebSocketConstructor } from "./socketio/websocket-constructor.js";
