// @ts-check
// Build-time replacement of engine.io-client's build/esm/transports/index.js, wired in vite.config.ts.
// socket.js reads this map only when a Socket is created WITHOUT `transportImplementations` (its default
// "polling", "websocket", "webtransport" list). crisp-rtm's only Socket (src/socketio/session.ts) always passes
// `transportImplementations: [its bound WebSocket transport]`, so the map is never read: an empty map drops
// the polling (XHR/fetch) and WebTransport transports from the bundle without changing what runs.
export const transports = {};
