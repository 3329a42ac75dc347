// @ts-check
// Build-time replacement of engine.io-client's build/esm/util.js, wired in vite.config.ts.
// - pick and installTimerFunctions are used as upstream writes them. installTimerFunctions' `useNativeTimers`
//   branch (timers captured when the module loads, for apps that fake timers) is left out: crisp-rtm never
//   sets that option, and upstream's other branch, kept here, binds the current global timers.
// - byteLength serves only the HTTP long-polling payload split (Socket#_getWritablePackets checks
//   `transport.name === "polling"` first), and randomString only the `timestampRequests` query parameter;
//   crisp-rtm's only transport is a WebSocket and it never sets that option. Both are unreachable; if that ever
//   changed they throw, and the session turns the exception into a clean close (never a silent difference).
// test/unit/shims.test.js compares pick and installTimerFunctions with the originals.

/**
 * @param {Record<string, unknown>} obj
 * @param {string[]} attr
 */
export function pick(obj, ...attr) {
  return attr.reduce((/** @type {Record<string, unknown>} */ acc, k) => {
    if (Object.hasOwn(obj, k)) acc[k] = obj[k];
    return acc;
  }, {});
}

/**
 * @param {{ setTimeoutFn?: unknown, clearTimeoutFn?: unknown }} obj
 * @param {unknown} _opts
 */
export function installTimerFunctions(obj, _opts) {
  obj.setTimeoutFn = globalThis.setTimeout.bind(globalThis);
  obj.clearTimeoutFn = globalThis.clearTimeout.bind(globalThis);
}

/** @param {unknown[]} _args @returns {never} */
const unreachable = (..._args) => {
  throw new Error("engine.io-client's long-polling helpers are not part of crisp-rtm");
};

export { unreachable as byteLength, unreachable as randomString };
