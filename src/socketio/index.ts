/**
 * The Socket.IO layer's public pieces. Internal to crisp-rtm (not re-exported by `src/index.ts`): this barrel
 * exists so the layer can be built and tested on its own (`test/support/build-socketio.js`, `test/scenarios/socketio/`).
 */

export type { SessionClose, SessionCloseReason } from "./close-reason.js";
export { type FetchWebSocketOptions, fetchWebSocket } from "./fetch-websocket.js";
export { type SessionEvents, type SessionOptions, SocketIOSession } from "./session.js";
export type { WebSocketConstructor } from "./websocket-constructor.js";
export { bindWebSocketTransport, type TransportHooks } from "./websocket-transport.js";
