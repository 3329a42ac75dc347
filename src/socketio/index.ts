/**
 * The Socket.IO layer's public pieces. Internal to crisp-rtm (not re-exported by `src/index.ts`): this barrel
 * exists so the layer can be built and tested on its own (`test/support/build-socketio.js`, `test/scenarios/socketio/`).
 */
export { SocketIOSession, type SessionOptions, type SessionEvents } from "./session.js";
export type { SessionClose, SessionCloseReason } from "./close-reason.js";
export { bindWebSocketTransport, type TransportHooks } from "./websocket-transport.js";
export { fetchWebSocket, type FetchWebSocketOptions } from "./fetch-websocket.js";
export type { WebSocketConstructor } from "./websocket-constructor.js";
