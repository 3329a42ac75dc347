// @ts-check
// Build-time replacement of socket.io-parser's build/esm/binary.js, wired in vite.config.ts.
// deconstructPacket runs only when hasBinary() is true (never in the bundle: socket.io-parser-is-binary.js);
// reconstructPacket only once a BINARY_EVENT/BINARY_ACK header has been decoded and its attachments received,
// and SocketIOSession#onData refuses those packet types (and every non-string frame) before the decoder sees
// them. Both are therefore unreachable; if that ever changed, they throw, and a throw inside Decoder#add is
// turned into a "parse error" close by the session (never a silent mis-decode).
/** @param {unknown[]} _args @returns {never} */
const unsupported = (..._args) => {
  throw new Error("binary packets are not supported by crisp-rtm");
};

export { unsupported as deconstructPacket, unsupported as reconstructPacket };
