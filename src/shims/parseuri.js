// @ts-check
// Build-time replacement of engine.io-client's build/esm/contrib/parseuri.js (a 1 kB RFC 3986 regex parser
// kept for platforms without `URL`), wired in vite.config.ts.
// socket.js calls parse(uri) once per Socket and reads only `host`, `protocol`, `port` and `query` (and parses
// `opts.host`, an option crisp-rtm never sets). crisp-rtm always passes an origin built by
// parseSocketEndpoint (src/rest/endpoint.ts) from WHATWG URL's `host`: `ws[s]://host[:port]`, lower-case, no
// default port, no query, IPv6 in brackets. For those inputs WHATWG URL gives the same four fields as parseuri
// (parseuri strips the IPv6 brackets; so does this). Every runtime crisp-rtm supports has `URL`.
// test/unit/shims.test.js compares both parsers on such origins.
/**
 * @param {string} uri
 * @returns {{ host: string, protocol: string, port: string, query: string }}
 */
export function parse(uri) {
  const url = new URL(uri);
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    protocol: url.protocol.slice(0, -1),
    port: url.port,
    query: url.search.slice(1),
  };
}
