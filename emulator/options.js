// @ts-check
/** Emulator options: defaults, validation and the demo tokens. */

import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TIERS } from "./catalog.js";

/** @typedef {import("./catalog.js").Tier} Tier */

/**
 * A token the emulator accepts, with the websites it may see.
 * @typedef {object} TokenSpec
 * @property {string} identifier Basic-auth user name and RTM `username`.
 * @property {string} key Basic-auth password and RTM `password` (never logged nor recorded).
 * @property {string[]} websites Website ids the token is subscribed to.
 * @property {Tier} [tier] Defaults to `"plugin"`.
 */

/** @typedef {"kick" | "silent"} LimitMode */

/**
 * Everything `startEmulator` accepts; every field is optional.
 * @typedef {object} EmulatorOptions
 * @property {string} [host] Bind address of both public ports. Default `"127.0.0.1"`.
 * @property {string} [publicHost] Host name written in URLs. Default `"localhost"` with TLS (the
 *   certificate covers it), else the bind address (`127.0.0.1` when bound to a wildcard).
 * @property {number} [restPort] REST + control port; 0 (default) picks a free one.
 * @property {number} [rtmPort] Public RTM port (the fault-injecting front); 0 (default) picks one.
 * @property {boolean} [tls] Serve HTTPS/WSS with a certificate signed by a local CA. Default false.
 * @property {TokenSpec[]} [tokens] Accepted tokens. Default `DEFAULT_TOKENS`.
 * @property {string} [rtmPath] Engine.IO path advertised in `socket.app`. Default `"/p/1/"`.
 * @property {string | null} [rescuePath] Second working path advertised in `rescue.socket.app`;
 *   null leaves `rescue` out of the discovery answer. Default `"/r/1/"`.
 * @property {number} [authTimeoutMs] Deadline for `authentication` after the namespace CONNECT;
 *   0 disables it. Default 10000.
 * @property {number} [unauthorizedDelayMs] Delay between `unauthorized` and the disconnect.
 *   Default 200.
 * @property {number} [connectionLimit] Authenticated sockets allowed per token. Default 10.
 * @property {LimitMode} [limitMode] What happens over the limit. Default `"kick"`.
 * @property {number} [pingInterval] Engine.IO ping interval (ms). Default 25000.
 * @property {number} [pingTimeout] Engine.IO ping timeout (ms). Default 20000.
 * @property {{ rate?: number, seed?: number }} [traffic] Conversation generator: events per
 *   second (0 = off, the default) and PRNG seed (default 1).
 * @property {number} [fingerprintStart] First fingerprint given out per website.
 *   Default 100000000000000.
 * @property {string} [certDir] Where `ca.pem`, `cert.pem`, `key.pem` live. Relative paths are
 *   resolved against the current directory; default `<repository>/.cache/emulator-tls`.
 * @property {boolean | ((line: string) => void)} [log] Readable log lines: true writes them to
 *   stderr, a function receives them. Default false.
 */

/**
 * Options after defaults and validation.
 * @typedef {object} ResolvedOptions
 * @property {string} host
 * @property {string} publicHost
 * @property {number} restPort
 * @property {number} rtmPort
 * @property {boolean} tls
 * @property {Required<TokenSpec>[]} tokens
 * @property {string} rtmPath
 * @property {string | null} rescuePath
 * @property {number} authTimeoutMs
 * @property {number} unauthorizedDelayMs
 * @property {number} connectionLimit
 * @property {LimitMode} limitMode
 * @property {number} pingInterval
 * @property {number} pingTimeout
 * @property {{ rate: number, seed: number }} traffic
 * @property {number} fingerprintStart
 * @property {string} certDir
 * @property {(line: string) => void} log
 */

/**
 * The demo tokens: a plugin token subscribed to two websites and a second plugin token with one.
 * They are local test values, not real Crisp credentials.
 */
export const DEFAULT_TOKENS = Object.freeze([
  Object.freeze({
    identifier: "4b6e3f6a-8d2c-4c1e-9b7a-2f5d8e1c0a01",
    key: "d3m0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e",
    websites: ["8c842203-7ed8-4e29-a608-7cf78a7d2fcc", "25320afc-33e9-436d-8296-6b89d2e0986b"],
    tier: /** @type {Tier} */ ("plugin"),
  }),
  Object.freeze({
    identifier: "9f1d2c3b-4a5e-4f60-8172-93a4b5c6d702",
    key: "d3m0f9e8d7c6b5a4938271605f4e3d2c1b0a9f8e7d6c5b4a3928170f6e5d4c3b",
    websites: ["0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"],
    tier: /** @type {Tier} */ ("plugin"),
  }),
]);

/**
 * What `npm run emulator` (the CLI) uses when no option says otherwise: the same ports as `npm start`, so a
 * restart never invalidates a hub's `.dev.vars`, and a little generated traffic, so a subscriber sees events.
 * `startEmulator()` itself keeps free ports and no traffic, which is what tests want.
 */
export const CLI_DEFAULTS = Object.freeze({ restPort: 4281, rtmPort: 4282, rate: 2 });

const DEFAULT_CERT_DIR = fileURLToPath(new URL("../.cache/emulator-tls/", import.meta.url));

/**
 * @param {unknown} value
 * @param {string} name
 * @param {number} fallback
 * @param {number} [min]
 */
function intOption(value, name, fallback, min = 0) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(`emulator option ${name} must be an integer >= ${min}`);
  }
  return value;
}

/**
 * @param {unknown} value
 * @param {string} name
 */
function portOption(value, name) {
  const port = intOption(value, name, 0);
  if (port > 65535) throw new RangeError(`emulator option ${name} must be a port number`);
  return port;
}

/**
 * @param {string} path
 * @param {string} name
 */
function enginePath(path, name) {
  if (typeof path !== "string" || !path.startsWith("/") || path.includes("?")) {
    throw new TypeError(`emulator option ${name} must be an absolute path without query`);
  }
  return path.endsWith("/") ? path : `${path}/`;
}

/**
 * Checks a token list and fills in the default tier; returns deep copies.
 * @param {readonly TokenSpec[]} tokens
 * @returns {Required<TokenSpec>[]}
 */
export function normalizeTokens(tokens) {
  if (!Array.isArray(tokens) || tokens.length === 0) {
    throw new TypeError("emulator tokens must be a non-empty array");
  }
  const seen = new Set();
  return tokens.map((token, index) => {
    const { identifier, key, websites, tier = "plugin" } = token ?? {};
    if (typeof identifier !== "string" || identifier === "" || typeof key !== "string" || key === "") {
      throw new TypeError(`emulator token #${index} needs a non-empty identifier and key`);
    }
    if (seen.has(identifier)) throw new TypeError(`emulator token ${identifier} is listed twice`);
    seen.add(identifier);
    if (!Array.isArray(websites) || websites.some((w) => typeof w !== "string" || w === "")) {
      throw new TypeError(`emulator token ${identifier}: websites must be an array of ids`);
    }
    if (!TIERS.includes(tier)) throw new TypeError(`emulator token ${identifier}: unknown tier ${tier}`);
    return { identifier, key, websites: [...new Set(websites)], tier };
  });
}

/**
 * @param {EmulatorOptions["log"]} log
 * @returns {(line: string) => void}
 */
function logger(log) {
  if (typeof log === "function") return log;
  if (log === true) return (line) => process.stderr.write(`[crisp-rtm-emulator] ${line}\n`);
  return () => {};
}

/**
 * @param {string} host
 * @param {boolean} tls
 */
function defaultPublicHost(host, tls) {
  if (tls) return "localhost";
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "::1";
  return host;
}

/**
 * Applies defaults and validates `options`.
 * @param {EmulatorOptions} [options]
 * @returns {ResolvedOptions}
 */
export function resolveOptions(options = {}) {
  const host = options.host ?? "127.0.0.1";
  const tls = options.tls === true;
  const limitMode = options.limitMode ?? "kick";
  if (limitMode !== "kick" && limitMode !== "silent") {
    throw new TypeError('emulator option limitMode must be "kick" or "silent"');
  }
  const rescuePath = options.rescuePath === undefined ? "/r/1/" : options.rescuePath;
  const rtmPath = enginePath(options.rtmPath ?? "/p/1/", "rtmPath");
  const certDir = options.certDir ?? DEFAULT_CERT_DIR;
  const rate = options.traffic?.rate ?? 0;
  if (typeof rate !== "number" || !(rate >= 0) || !Number.isFinite(rate)) {
    throw new RangeError("emulator option traffic.rate must be a number >= 0");
  }
  const resolved = {
    host,
    publicHost: options.publicHost ?? defaultPublicHost(host, tls),
    restPort: portOption(options.restPort, "restPort"),
    rtmPort: portOption(options.rtmPort, "rtmPort"),
    tls,
    tokens: normalizeTokens(options.tokens ?? DEFAULT_TOKENS),
    rtmPath,
    rescuePath: rescuePath === null ? null : enginePath(rescuePath, "rescuePath"),
    authTimeoutMs: intOption(options.authTimeoutMs, "authTimeoutMs", 10000),
    unauthorizedDelayMs: intOption(options.unauthorizedDelayMs, "unauthorizedDelayMs", 200),
    connectionLimit: intOption(options.connectionLimit, "connectionLimit", 10),
    limitMode,
    pingInterval: intOption(options.pingInterval, "pingInterval", 25000, 1),
    pingTimeout: intOption(options.pingTimeout, "pingTimeout", 20000, 1),
    traffic: { rate, seed: intOption(options.traffic?.seed, "traffic.seed", 1) },
    fingerprintStart: intOption(options.fingerprintStart, "fingerprintStart", 100000000000000),
    certDir: isAbsolute(certDir) ? certDir : resolve(certDir),
    log: logger(options.log),
  };
  if (resolved.rescuePath === rtmPath) throw new TypeError("rescuePath must differ from rtmPath");
  return resolved;
}
