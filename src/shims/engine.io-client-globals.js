// @ts-check
// Build-time replacement of engine.io-client's build/esm/globals.js (its browser `globals.node.js`), wired in
// vite.config.ts. Upstream finds the global object through `self`, `window`, then `Function("return this")()`,
// and keeps a `setTimeout` fallback for runtimes without `Promise`. Every runtime crisp-rtm supports (ES2022
// browsers and workers, Deno, workerd, Node >= 20) has `globalThis` and `Promise`, where those chains end at
// `globalThis` and `Promise.resolve().then(cb)`, the values exported here. The cookie jar exists only in the
// Node build (and is created only with `withCredentials`, which crisp-rtm never sets).
// test/unit/shims.test.js compares every export with the original's.

/** @type {(callback: () => void, setTimeoutFn?: unknown) => void} */
export const nextTick = (callback) => {
  Promise.resolve().then(callback);
};
export const globalThisShim = globalThis;
export const defaultBinaryType = "arraybuffer";
export function createCookieJar() {}
