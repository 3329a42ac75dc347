// @ts-check
// Build-time replacement of engine.io-client's build/esm/contrib/parseqs.js, wired in vite.config.ts.
// - encode builds the query of every WebSocket URL (`EIO=4&transport=websocket`): as upstream writes it.
// - decode runs only when `opts.query` is a string: crisp-rtm passes no `query` option, and the origin it gives
//   the Socket has no query (parseuri.js returns `query: ""`, which the Socket ignores). Unreachable; if that
//   ever changed it throws, so a difference can never pass silently.
// test/unit/shims.test.js compares encode with the original.

/** @param {Record<string, unknown>} obj */
export function encode(obj) {
  let str = "";
  for (const i in obj) {
    if (Object.hasOwn(obj, i)) {
      if (str.length) str += "&";
      str += `${encodeURIComponent(i)}=${encodeURIComponent(/** @type {string} */ (obj[i]))}`;
    }
  }
  return str;
}

/** @param {string} _qs @returns {never} */
export function decode(_qs) {
  throw new Error("engine.io-client's query-string parser is not part of crisp-rtm");
}
