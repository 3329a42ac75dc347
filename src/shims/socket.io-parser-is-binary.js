// @ts-check
// Build-time replacement of socket.io-parser's build/esm/is-binary.js, wired in vite.config.ts.
// - hasBinary(packet) is what makes Encoder#encode switch to BINARY_EVENT + attachments. In the bundle the
//   only packets encoded are CONNECT/DISCONNECT and the EVENTs CrispRTM sends (src/crisp/client.ts):
//   "authentication" { username, password, tier, events, rooms? } and "socket:bind" { events, rooms? }, built
//   from validated strings and string arrays (src/crisp/options.ts). They never hold binary, so the answer is
//   always false, as this returns. (SocketIOSession itself is not exported by the bundle.)
// - isBinary(x) is asked by Decoder#add for a non-string input and by binary.js. SocketIOSession#onData
//   never hands the decoder anything but a string (it ends the session on a non-string frame first).
/** @param {unknown} _value @returns {boolean} */
export const isBinary = (_value) => false;
/** @param {unknown} _packet @returns {boolean} */
export const hasBinary = (_packet) => false;
