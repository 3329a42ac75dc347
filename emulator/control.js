// @ts-check
/**
 * The control operations (state, injection, faults), shared by `emu.control` and the control
 * HTTP API. Each method takes the JSON body of its HTTP route and resolves with its JSON answer.
 */
import { setTimeout as sleep, setImmediate as yieldToLoop } from "node:timers/promises";
import { MESSAGE_EVENTS, samplePayload } from "./payloads.js";
import { REST_MODES } from "./rest.js";
import { controlWebhook } from "./webhooks.js";

/** @typedef {import("./rtm.js").RtmServer} RtmServer */
/** @typedef {import("./rtm.js").RtmConfig} RtmConfig */
/** @typedef {import("./tcp-proxy.js").TcpProxy} TcpProxy */
/** @typedef {import("./rest.js").RestRoutes} RestRoutes */
/** @typedef {import("./rest.js").RestFaults} RestFaults */
/** @typedef {import("./rest.js").RestMode} RestMode */
/** @typedef {import("./tokens.js").TokenRegistry} TokenRegistry */
/** @typedef {import("./journal.js").Journal} Journal */
/** @typedef {import("./fingerprints.js").Fingerprints} Fingerprints */
/** @typedef {import("./traffic.js").TrafficGenerator} TrafficGenerator */
/** @typedef {import("./payloads.js").RtmEvent} RtmEvent */

/** A bad control request; `status` is the HTTP status the control API answers with. */
export class ControlError extends Error {
  /**
   * @param {string} message
   * @param {number} [status]
   */
  constructor(message, status = 400) {
    super(message);
    this.name = "ControlError";
    this.status = status;
  }
}

/** @typedef {boolean | { enabled?: boolean }} Toggle */

/**
 * What the control operations act on.
 * @typedef {object} ControlDeps
 * @property {RtmServer} rtm
 * @property {TcpProxy} proxy
 * @property {RestRoutes} rest
 * @property {RestFaults} restFaults
 * @property {TokenRegistry} registry
 * @property {Journal} journal
 * @property {Fingerprints} fingerprints
 * @property {TrafficGenerator} traffic
 * @property {RtmConfig} config Live settings (shared with the RTM server).
 * @property {{ config: RtmConfig, trafficRate: number, trafficSeed: number }} initial Start settings, for `reset`.
 * @property {AbortSignal} closed Aborted when the emulator closes.
 */

/**
 * @typedef {object} InjectRequest
 * @property {string} event Event name (names outside the catalog are sent too).
 * @property {Record<string, unknown>} [payload]
 * @property {string | null} [website_id] Routing website, also written into the payload.
 * @property {string | null} [token] Only this token's sockets receive the event.
 */

/**
 * @typedef {object} FloodRequest
 * @property {string} event
 * @property {number} count 1 to 100000.
 * @property {string | null} [website_id] Default: the token's (or the first token's) first website.
 * @property {string | null} [token]
 * @property {number} [intervalMs] Pause between events; 0 (default) sends as fast as possible.
 * @property {number} [yieldEvery] Without a pause, lets the emulator's event loop run (its pings, its control API)
 *   after this many events; default 500. Lower it when the emulator's own heartbeat must stay on time.
 * @property {Record<string, unknown>} [payload] Template; default is a sample payload.
 */

/**
 * @param {unknown} value
 * @returns {Record<string, unknown>}
 */
function objectArg(value) {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ControlError("expected a JSON object");
  return /** @type {Record<string, unknown>} */ (value);
}

/**
 * @param {Toggle | undefined} arg
 * @param {string} name
 */
function toggle(arg, name) {
  const enabled = typeof arg === "boolean" ? arg : objectArg(arg).enabled;
  if (typeof enabled !== "boolean") throw new ControlError(`${name}: "enabled" must be a boolean`);
  return enabled;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @param {number} fallback
 * @param {number} [max]
 */
function integer(value, name, fallback, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > max) {
    throw new ControlError(`${name} must be an integer between 0 and ${max}`);
  }
  return value;
}

/**
 * @param {unknown} value
 * @param {string} name
 * @returns {string | null}
 */
function optionalString(value, name) {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || value === "") throw new ControlError(`${name} must be a non-empty string`);
  return value;
}

/**
 * Builds an event: fills `website_id`, and for message:send/received a fingerprint (next of the
 * website) and a timestamp when missing; compose events get a timestamp.
 * @param {Fingerprints} fingerprints
 * @param {string} name
 * @param {Record<string, unknown>} template
 * @param {string | null | undefined} websiteParam
 * @param {string | null} token
 * @returns {RtmEvent}
 */
function prepareEvent(fingerprints, name, template, websiteParam, token) {
  const payload = structuredClone(template);
  if (websiteParam !== undefined && websiteParam !== null) payload.website_id = websiteParam;
  const websiteId = typeof payload.website_id === "string" ? payload.website_id : null;
  if (MESSAGE_EVENTS.has(name)) {
    if (typeof payload.fingerprint === "number") fingerprints.observe(websiteId ?? "", payload.fingerprint);
    else payload.fingerprint = fingerprints.next(websiteId ?? "");
    payload.timestamp ??= Date.now();
  } else if (name.startsWith("message:compose:")) {
    payload.timestamp ??= Date.now();
  }
  return { name, payload, websiteId, token };
}

/**
 * Validates the fields shared by `inject` and `flood`.
 * @param {TokenRegistry} registry
 * @param {unknown} body
 * @returns {{ event: string, website: string | null | undefined, token: string | null, payload: Record<string, unknown> }}
 */
function eventArgs(registry, body) {
  const args = objectArg(body);
  if (typeof args.event !== "string" || args.event === "") throw new ControlError('"event" must be an event name');
  const token = optionalString(args.token, "token");
  if (token !== null && registry.get(token) === null) throw new ControlError(`unknown token ${token}`);
  const website = args.website_id === undefined ? undefined : optionalString(args.website_id, "website_id");
  return { event: args.event, website, token, payload: objectArg(args.payload) };
}

/** The control operations of one emulator. */
export class Control {
  /** @type {ControlDeps} */
  #deps;

  /** @param {ControlDeps} deps */
  constructor(deps) {
    this.#deps = deps;
  }

  /** Connections, logs, counters, faults and settings. */
  async state() {
    const { rtm, proxy, restFaults, journal, config, traffic, registry } = this.#deps;
    return {
      connections: rtm.connections(),
      auths: [...journal.auths],
      binds: [...journal.binds],
      counters: { ...journal.counters, authenticatedNow: rtm.connections().filter((c) => c.authenticated).length },
      restLog: journal.restLog.map((entry) => ({ ...entry })),
      tcpLog: [...journal.tcpLog],
      faults: { rest: { ...restFaults.state }, ...proxy.faults(), ...rtm.faults },
      config: { ...config },
      traffic: { rate: traffic.rate, seed: traffic.seed, generated: traffic.generated },
      tokens: registry.publicList(),
      rtmPort: proxy.port,
    };
  }

  /**
   * Sends one event to the subscribed sockets.
   * @param {InjectRequest} body
   * @returns {Promise<{ delivered: number, payload: Record<string, unknown> }>}
   */
  async inject(body) {
    const { event, website, token, payload } = eventArgs(this.#deps.registry, body);
    const prepared = prepareEvent(this.#deps.fingerprints, event, payload, website, token);
    return { delivered: this.#deps.rtm.deliver(prepared), payload: prepared.payload };
  }

  /**
   * Sends `count` events, each with the next fingerprint for message events; resolves when done.
   * @param {FloodRequest} body
   */
  async flood(body) {
    const { event, website, token, payload } = eventArgs(this.#deps.registry, body);
    const args = objectArg(body);
    const count = integer(args.count, "count", 0, 100000);
    if (count < 1) throw new ControlError("count must be at least 1");
    const intervalMs = integer(args.intervalMs, "intervalMs", 0, 60000);
    const yieldEvery = integer(args.yieldEvery, "yieldEvery", 500, 100000) || 500;
    const owner = token === null ? this.#deps.registry.list()[0] : this.#deps.registry.get(token);
    const websiteId = website === undefined ? (owner?.websites[0] ?? null) : website;
    const started = Date.now();
    let delivered = 0;
    let sent = 0;
    /** @type {unknown} */
    let firstFingerprint = null;
    /** @type {unknown} */
    let lastFingerprint = null;
    for (let i = 0; i < count && !this.#deps.closed.aborted; i += 1) {
      const template = args.payload === undefined ? samplePayload(event, websiteId, i) : { ...payload };
      delete template.fingerprint;
      const prepared = prepareEvent(this.#deps.fingerprints, event, template, websiteId, token);
      delivered += this.#deps.rtm.deliver(prepared);
      sent += 1;
      firstFingerprint ??= prepared.payload.fingerprint ?? null;
      lastFingerprint = prepared.payload.fingerprint ?? null;
      if (intervalMs > 0 && i < count - 1)
        await sleep(intervalMs, undefined, { signal: this.#deps.closed }).catch(() => {});
      else if (i % yieldEvery === yieldEvery - 1) await yieldToLoop();
    }
    return { sent, delivered, firstFingerprint, lastFingerprint, elapsedMs: Date.now() - started };
  }

  /** The events the RTM side emitted (newest 20,000), oldest first: what a test compares with what a client logged. */
  async sent() {
    return { sent: this.#deps.journal.sent.map((entry) => ({ ...entry })) };
  }

  /** Destroys every RTM client connection now (no close frame). */
  async drop() {
    return { dropped: this.#deps.proxy.drop() };
  }

  /**
   * Closes the RTM port, forgets every session, listens again on the same port after `downMs`
   * (default 500). Resolves once the port is open again.
   * @param {{ downMs?: number }} [body]
   */
  async restart(body) {
    const downMs = integer(objectArg(body).downMs, "downMs", 500, 600000);
    if (this.#deps.proxy.restarting) throw new ControlError("a restart is already in progress", 409);
    return this.#deps.proxy.restart(downMs, () => this.#deps.rtm.forgetAll());
  }

  /** @param {Toggle} body Silence every RTM connection, old and new (true), or stop (false). */
  async halfOpen(body) {
    const enabled = toggle(body, "halfOpen");
    return { halfOpen: enabled, affected: this.#deps.proxy.setHalfOpen(enabled) };
  }

  /** @param {Toggle} body New RTM connections get no answer at all (true), or normal service (false). */
  async stall(body) {
    const enabled = toggle(body, "stall");
    return { stall: enabled, affected: this.#deps.proxy.setStall(enabled) };
  }

  /** @param {{ mode: "reset" | "off" }} body Reset new RTM connections at once, or stop. */
  async refuse(body) {
    const { mode } = objectArg(body);
    if (mode !== "reset" && mode !== "off") throw new ControlError('refuse: mode must be "reset" or "off"');
    this.#deps.proxy.setRefuse(mode);
    return { refuse: mode };
  }

  /** @param {Toggle} body Never answer the namespace CONNECT (true), or answer it (false). */
  async noConnectAck(body) {
    this.#deps.rtm.faults.noConnectAck = toggle(body, "noConnectAck");
    return { noConnectAck: this.#deps.rtm.faults.noConnectAck };
  }

  /**
   * Answer the namespace CONNECT with CONNECT_ERROR carrying `message` (null stops).
   * @param {string | null | { message?: string | null }} body
   */
  async middlewareError(body) {
    const message = typeof body === "string" || body === null ? body : (objectArg(body).message ?? null);
    if (message !== null && typeof message !== "string")
      throw new ControlError("middlewareError: message must be a string or null");
    this.#deps.rtm.faults.middlewareError = message;
    return { middlewareError: message };
  }

  /**
   * @param {Toggle} body Record `authentication` but never answer it (true), or answer (false).
   *   The authentication deadline still applies unless `config({ authTimeoutMs: 0 })`.
   */
  async ignoreAuth(body) {
    this.#deps.rtm.faults.ignoreAuth = toggle(body, "ignoreAuth");
    return { ignoreAuth: this.#deps.rtm.faults.ignoreAuth };
  }

  /**
   * A hostile server or proxy that repeats the credentials back (true), or not (false): REST error `reason`s
   * quote the Authorization header and the decoded identifier and key, `unauthorized` messages the username
   * and password received. For testing that a client keeps them out of its errors and logs.
   * @param {Toggle} body
   */
  async echoCredentials(body) {
    const enabled = toggle(body, "echoCredentials");
    this.#deps.rtm.echoCredentials = enabled;
    this.#deps.restFaults.echoCredentials = enabled;
    return { echoCredentials: enabled };
  }

  /**
   * Sends `frame` raw as an Engine.IO message (`4<frame>` on the wire) to every open session.
   * @param {{ frame: string } | string} body
   */
  async malformed(body) {
    const frame = typeof body === "string" ? body : objectArg(body).frame;
    if (typeof frame !== "string") throw new ControlError("malformed: frame must be a string");
    return { sent: this.#deps.rtm.malformed(frame) };
  }

  /**
   * Sets the per-token connection limit and disconnects the newest sockets beyond it.
   * @param {{ limit: number }} body
   */
  async kick(body) {
    const limit = integer(objectArg(body).limit, "limit", -1);
    if (limit < 0) throw new ControlError("kick: limit is required");
    return { kicked: this.#deps.rtm.kick(limit), connectionLimit: limit };
  }

  /**
   * Server-initiated Socket.IO disconnect of every socket (`41`, then the transport closes).
   * @param {{ reason?: string }} [body] Only logged: Socket.IO sends no reason on the wire.
   */
  async disconnectAll(body) {
    objectArg(body);
    return { disconnected: this.#deps.rtm.disconnectAll() };
  }

  /**
   * Sets the REST fault mode.
   * @param {{ mode: RestMode, count?: number | null, retryAfter?: number }} body
   */
  async restMode(body) {
    const args = objectArg(body);
    const mode = /** @type {RestMode} */ (args.mode);
    if (!REST_MODES.includes(mode)) throw new ControlError(`restMode: mode must be one of ${REST_MODES.join(", ")}`);
    const count = args.count === undefined || args.count === null ? null : integer(args.count, "count", 0, 1000000);
    if (count === 0) throw new ControlError("restMode: count must be at least 1 (or null for until reset)");
    this.#deps.restFaults.set(mode, count, integer(args.retryAfter, "retryAfter", 1, 86400));
    return { ...this.#deps.restFaults.state };
  }

  /**
   * Sets the conversation generator's rate (events/s, 0 stops) and optionally its seed.
   * @param {{ rate: number, seed?: number }} body
   */
  async traffic(body) {
    const args = objectArg(body);
    const rate = args.rate;
    if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate > 100000) {
      throw new ControlError("traffic: rate must be a number between 0 and 100000");
    }
    const seed = args.seed === undefined ? undefined : integer(args.seed, "seed", 0);
    this.#deps.traffic.configure(rate, seed);
    return { rate: this.#deps.traffic.rate, seed: this.#deps.traffic.seed };
  }

  /**
   * Changes RTM settings; fields left out stay as they are. `authTimeoutMs` applies to sockets
   * connecting afterwards; the limit applies to later authentications (use `kick` to enforce it now).
   * @param {Partial<RtmConfig>} body
   */
  async config(body) {
    const args = objectArg(body);
    const { config } = this.#deps;
    const next = {
      authTimeoutMs: integer(args.authTimeoutMs, "authTimeoutMs", config.authTimeoutMs),
      unauthorizedDelayMs: integer(args.unauthorizedDelayMs, "unauthorizedDelayMs", config.unauthorizedDelayMs),
      connectionLimit: integer(args.connectionLimit, "connectionLimit", config.connectionLimit),
      limitMode: args.limitMode ?? config.limitMode,
    };
    if (next.limitMode !== "kick" && next.limitMode !== "silent")
      throw new ControlError('limitMode must be "kick" or "silent"');
    Object.assign(config, next);
    return { ...config };
  }

  /**
   * Replaces a token's websites, as when websites install or remove the plugin. Like Crisp, a socket already
   * authenticated without a room filter keeps the websites it was bound to: it gets nothing of a new website
   * until it binds again (`socket:bind {}` re-reads them). A plugin token's sockets are told: one
   * `plugin:subscription:updated` per added website, `{ website_id, plugin_id, subscribed: true }`, routed by
   * token (not by room), to the sockets whose event filter has it; `notified` counts the deliveries.
   * @param {{ identifier: string, websites: string[] }} body
   */
  async tokenWebsites(body) {
    const { identifier, websites } = objectArg(body);
    if (typeof identifier !== "string") throw new ControlError("tokenWebsites: identifier is required");
    if (!Array.isArray(websites) || websites.some((w) => typeof w !== "string" || w === "")) {
      throw new ControlError("tokenWebsites: websites must be an array of ids");
    }
    const before = this.#deps.registry.get(identifier)?.websites ?? [];
    const token = this.#deps.registry.setWebsites(identifier, websites);
    if (token === null) throw new ControlError(`unknown token ${identifier}`, 404);
    let notified = 0;
    for (const website of token.websites.filter((w) => !before.includes(w))) {
      if (token.tier !== "plugin") break;
      const payload = { website_id: website, plugin_id: "emulator-plugin", subscribed: true };
      notified += this.#deps.rtm.deliver({
        name: "plugin:subscription:updated",
        payload,
        websiteId: null,
        token: identifier,
      });
    }
    return { identifier, websites: [...token.websites], tier: token.tier, notified };
  }

  /**
   * Revokes a token, as when its owner deletes it: REST discovery answers 401 and `authentication`
   * gets `unauthorized` from now on; sockets already authenticated stay open (drop them to make the
   * client reconnect). `revoked: false` restores the token.
   * @param {{ identifier: string, revoked?: boolean }} body
   */
  async revoke(body) {
    const { identifier, revoked = true } = objectArg(body);
    if (typeof identifier !== "string" || identifier === "") throw new ControlError("revoke: identifier is required");
    if (typeof revoked !== "boolean") throw new ControlError('revoke: "revoked" must be a boolean');
    if (this.#deps.registry.setRevoked(identifier, revoked) === null)
      throw new ControlError(`unknown token ${identifier}`, 404);
    return { identifier, revoked };
  }

  /**
   * Signs a web hook the way Crisp does and POSTs it to `url` with Crisp's header names; answers the
   * receiver's `{ status, text }`. See `webhooks.js` for the body.
   * @param {Parameters<typeof controlWebhook>[0]} body
   */
  async webhook(body) {
    return controlWebhook(body);
  }

  /**
   * Clears every fault, log and counter, restores revoked tokens and the start settings; keeps the
   * tokens (and their websites) and the connections.
   */
  async reset() {
    const { rtm, proxy, rest, restFaults, registry, journal, config, traffic, initial } = this.#deps;
    registry.revoked.clear();
    rtm.clearFaults();
    proxy.clearFaults();
    restFaults.set("ok", null, 1);
    restFaults.echoCredentials = false;
    rtm.echoCredentials = false;
    rest.releaseHeld();
    Object.assign(config, initial.config);
    traffic.configure(initial.trafficRate, initial.trafficSeed);
    journal.reset();
    return { reset: true };
  }
}
