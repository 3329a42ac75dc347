// @ts-check
// Build-time replacement of engine.io-client's entry (build/esm/index.js), wired in vite.config.ts.
// The real entry re-exports every transport, so bundling it keeps HTTP long-polling (XHR and fetch),
// WebTransport and has-cors, whose module-level side effects (an XHR probe) defeat tree-shaking. crisp-rtm
// imports exactly two names from "engine.io-client" (src/socketio/session.ts, websocket-transport.ts); this
// module re-exports those two from the real files and nothing else. Importing any other name fails the build
// ("missing export"), which is the signal to add it here.
export { Socket } from "engine.io-client/build/esm/socket.js";
export { WS as WebSocket } from "engine.io-client/build/esm/transports/websocket.js";
