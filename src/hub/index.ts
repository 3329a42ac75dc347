/**
 * crisp-rtm/hub: {@link HubClient}, the subscriber of a crisp-rtm hub (the Durable Object of `demo/worker/`),
 * for browsers (with a ticket from your backend) and server-side consumers (with the subscriber secret). It
 * has the shape of `CrispRTM`, so code moves between the two, and never holds a Crisp token.
 * @module
 */

export { isRTMError, RTMError, type RTMErrorCode, type RTMErrorDetails } from "../core/errors.js";
export type { RTMEventName } from "../crisp/catalog.js";
export type { RTMEvent, WildcardListener } from "../crisp/client.js";
export type { EventStreamOptions } from "../crisp/event-stream.js";
export type { Downtime } from "../crisp/lifecycle.js";
export type * from "../crisp/payloads.js";
export { HubClient } from "./client.js";
export type {
  CursorStore,
  HubClientOptions,
  HubLifecycleEvents,
  HubLifecycleName,
  HubState,
  HubWebSocketConstructor,
} from "./options.js";
export { type HubFrame, type HubUpstreamState, PING_FRAME } from "./protocol.js";
