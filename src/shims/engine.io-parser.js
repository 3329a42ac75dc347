// @ts-check
// Build-time replacement of engine.io-parser's entry (build/esm/index.js), wired in vite.config.ts.
// Over a WebSocket, engine.io-client uses three names: `protocol`, `encodePacket` and `decodePacket`. The
// payload/stream codecs (HTTP long-polling, WebTransport) go with those transports, and so do the base64 and
// Blob paths, which only matter when binary is base64-encoded (`forceBase64`, which crisp-rtm never sets).
//
// - encodePacket: text packets encode exactly as upstream (type digit + data). A binary payload is passed
//   through, as upstream does when the transport supports binary, which a WebSocket transport without
//   `forceBase64` always does. (The bundle sends text only anyway: see socket.io-parser-is-binary.js.)
// - decodePacket: text packets decode exactly as upstream, unknown types give upstream's error packet. A
//   binary frame or a base64 (`b…`) packet is delivered as a non-string "message" (the frame itself, or
//   `{ base64: true, data }`, upstream's own representation where ArrayBuffer is missing) WITHOUT decoding
//   it: the only consumer, SocketIOSession#onData, ends the session on any non-string message ("parse error")
//   and never looks inside.
// test/unit/shims.test.js checks both against engine.io-parser's own browser build.

/** Engine.IO packet types, by their wire digit (engine.io-parser's commons.js). */
const TYPES = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];
/** Wire digit → type, without a prototype (so no character but "0"…"6" finds anything). */
const BY_DIGIT = Object.assign(Object.create(null), TYPES);

export const protocol = 4;

/**
 * @param {{ type: string, data?: string | object }} packet
 * @param {boolean} _supportsBinary always true over a WebSocket without `forceBase64`
 * @param {(encoded: unknown) => void} callback
 */
export const encodePacket = ({ type, data }, _supportsBinary, callback) =>
  callback(data && typeof data === "object" ? data : TYPES.indexOf(type) + (data || ""));

/**
 * @param {unknown} encoded a received frame
 * @returns {{ type: string, data?: unknown }}
 */
export const decodePacket = (encoded) => {
  if (typeof encoded !== "string") return { type: "message", data: encoded };
  const digit = encoded.charAt(0);
  if (digit === "b") return { type: "message", data: { base64: true, data: encoded.substring(1) } };
  const type = BY_DIGIT[digit];
  if (!type) return { type: "error", data: "parser error" };
  return encoded.length > 1 ? { type, data: encoded.substring(1) } : { type };
};
