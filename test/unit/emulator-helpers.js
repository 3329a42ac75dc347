// @ts-check
/** Helpers shared by the emulator tests: discovery, socket.io-client peers, waiting. */
import { setTimeout as sleep } from "node:timers/promises";
import { io } from "socket.io-client";

/** @typedef {import("socket.io-client").Socket} ClientSocket */
/** @typedef {import("socket.io-client").ManagerOptions & import("socket.io-client").SocketOptions} ClientOptions */
/** @typedef {{ identifier: string, key: string, websites: string[], tier: string }} Token */

export { sleep };

/**
 * `Authorization` header value for a token.
 * @param {{ identifier: string, key: string }} token
 */
export function basicAuth({ identifier, key }) {
  return `Basic ${Buffer.from(`${identifier}:${key}`).toString("base64")}`;
}

/**
 * Calls a discovery route and returns status, headers and parsed body (null when not JSON).
 * @param {string} url
 * @param {Record<string, string>} [headers]
 */
export async function getJson(url, headers = {}) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  /** @type {any} */
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, body, text };
}

/**
 * Discovers the RTM URL the way a client does.
 * @param {{ restUrl: string }} emu
 * @param {Token} token
 * @param {string} [tier]
 */
export async function discover(emu, token, tier = token.tier) {
  return getJson(`${emu.restUrl}/${tier}/connect/endpoints`, { Authorization: basicAuth(token), "X-Crisp-Tier": tier });
}

/**
 * Opens a socket.io-client socket to an RTM URL (origin + path taken from it), websocket only,
 * no reconnection unless asked.
 * @param {string} rtmUrl
 * @param {Partial<ClientOptions>} [options]
 * @returns {ClientSocket}
 */
export function connect(rtmUrl, options = {}) {
  const url = new URL(rtmUrl);
  const origin = `${url.protocol === "wss:" ? "https:" : "http:"}//${url.host}`;
  return io(origin, {
    path: url.pathname,
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    timeout: 2000,
    ...options,
  });
}

/**
 * Resolves with the first argument of the next `event`, rejects after `timeoutMs`.
 * @param {any} emitter Anything with `once` and `off` (sockets, managers, net sockets).
 * @param {string} event
 * @param {number} [timeoutMs]
 * @returns {Promise<any>}
 */
export function once(emitter, event, timeoutMs = 3000) {
  return new Promise((resolve, reject) => {
    /** @param {any} value */
    const listener = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`timed out waiting for "${event}"`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}

/**
 * Resolves true if `event` fires within `ms`, false otherwise.
 * @param {any} emitter
 * @param {string} event
 * @param {number} ms
 */
export async function firesWithin(emitter, event, ms) {
  return once(emitter, event, ms).then(
    () => true,
    () => false,
  );
}

/**
 * Emits `authentication` and waits for `authenticated` (resolves with its payload) or
 * `unauthorized` (rejects with its message).
 * @param {ClientSocket} socket
 * @param {Record<string, unknown>} payload
 */
export function authenticate(socket, payload) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no answer to authentication")), 3000);
    socket.once("authenticated", (/** @type {unknown} */ value) => {
      clearTimeout(timer);
      resolve(value);
    });
    socket.once("unauthorized", (/** @type {{ message: string }} */ error) => {
      clearTimeout(timer);
      reject(new Error(error.message));
    });
    socket.emit("authentication", payload);
  });
}

/**
 * Collects the payloads of `event` received by `socket`.
 * @param {ClientSocket} socket
 * @param {string} event
 * @returns {any[]}
 */
export function collect(socket, event) {
  /** @type {any[]} */
  const received = [];
  socket.on(event, (/** @type {unknown} */ payload) => received.push(payload));
  return received;
}

/**
 * Polls `check` until it returns a truthy value; rejects after `timeoutMs`.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
export async function waitFor(check, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await sleep(10);
  }
}

/** Opens sockets for a test and closes them all afterwards. */
export class SocketPool {
  constructor() {
    /** @type {ClientSocket[]} */
    this.sockets = [];
  }

  /**
   * Opens a socket (see `connect`) and tracks it.
   * @param {string} rtmUrl
   * @param {Partial<ClientOptions>} [options]
   */
  open(rtmUrl, options) {
    const socket = connect(rtmUrl, options);
    this.sockets.push(socket);
    return socket;
  }

  /**
   * Opens, connects and authenticates a socket for `token`, with optional `events`/`rooms`.
   * @param {{ rtmUrl: string }} emu
   * @param {Token} token
   * @param {{ events?: string[], rooms?: string[] }} [filters]
   * @param {Partial<ClientOptions>} [options]
   */
  async authed(emu, token, filters = {}, options = {}) {
    const socket = this.open(emu.rtmUrl, options);
    await once(socket, "connect");
    await authenticate(socket, { username: token.identifier, password: token.key, tier: token.tier, ...filters });
    return socket;
  }

  /** Closes every tracked socket. */
  closeAll() {
    for (const socket of this.sockets.splice(0)) socket.close();
  }
}
