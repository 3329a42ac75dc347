// @ts-check
/**
 * The internal RTM server: a real socket.io v4 server speaking Crisp's protocol (authentication,
 * socket:bind*, per-token limits, event delivery) plus Socket.IO-level faults.
 */
import http from "node:http";
import { Server } from "socket.io";
import { eventsForTier, tierAllows } from "./catalog.js";

/** @typedef {import("socket.io").Socket} IoSocket */
/** @typedef {import("./tokens.js").Token} Token */
/** @typedef {import("./tokens.js").TokenRegistry} TokenRegistry */
/** @typedef {import("./journal.js").Journal} Journal */
/** @typedef {import("./journal.js").AuthRecord} AuthRecord */
/** @typedef {import("./payloads.js").RtmEvent} RtmEvent */
/** @typedef {import("./options.js").LimitMode} LimitMode */

/**
 * Settings that control can change while running.
 * @typedef {object} RtmConfig
 * @property {number} authTimeoutMs 0 disables the deadline.
 * @property {number} unauthorizedDelayMs
 * @property {number} connectionLimit
 * @property {LimitMode} limitMode
 */

/**
 * Socket.IO-level faults.
 * @typedef {object} RtmFaults
 * @property {boolean} noConnectAck The namespace CONNECT is never answered.
 * @property {string | null} middlewareError CONNECT is answered with CONNECT_ERROR and this message.
 * @property {boolean} ignoreAuth `authentication` is recorded but never answered.
 */

/**
 * A namespace socket and its Crisp session.
 * @typedef {object} Conn
 * @property {IoSocket} socket
 * @property {Token | null} token Set once authenticated.
 * @property {boolean} authenticated
 * @property {boolean} silenced Over the limit in "silent" mode: never receives events.
 * @property {string[]} events
 * @property {string[]} rooms
 * @property {string} remoteAddress
 * @property {number} connectedAt
 * @property {number | null} authenticatedAt
 * @property {NodeJS.Timeout | null} deadline Authentication deadline.
 * @property {NodeJS.Timeout | null} hangup Pending disconnect after `unauthorized`.
 */

/**
 * A connection as shown by the control API.
 * @typedef {object} ConnectionState
 * @property {string} id
 * @property {string | null} token Identifier of the authenticated token.
 * @property {boolean} authenticated
 * @property {boolean} silenced
 * @property {string[]} events
 * @property {string[]} rooms
 * @property {string} remoteAddress
 * @property {number} connectedAt
 * @property {number | null} authenticatedAt
 */

/**
 * A list of strings, `undefined` when absent (or null), or `null` when malformed.
 * @param {unknown} value
 * @returns {string[] | undefined | null}
 */
function stringList(value) {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) return null;
  return [...new Set(value)];
}

/**
 * @param {unknown} value
 * @returns {Record<string, unknown>}
 */
function asObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? /** @type {Record<string, unknown>} */ (value)
    : {};
}

/** @param {Conn} conn */
function clearTimers(conn) {
  if (conn.deadline) clearTimeout(conn.deadline);
  if (conn.hangup) clearTimeout(conn.hangup);
  conn.deadline = null;
  conn.hangup = null;
}

/** The socket.io server behind the TCP front. */
export class RtmServer {
  /**
   * @param {object} options
   * @param {string[]} options.paths Engine.IO paths accepted (with trailing slash).
   * @param {number} options.pingInterval
   * @param {number} options.pingTimeout
   * @param {RtmConfig} options.config Shared, mutable settings.
   * @param {TokenRegistry} options.registry
   * @param {Journal} options.journal
   * @param {import("./history.js").History} options.history Keeps every message delivered (for the REST history routes).
   * @param {(upstreamPort: number | undefined) => string | null} options.clientAddress
   * @param {(line: string) => void} options.log
   */
  constructor({ paths, pingInterval, pingTimeout, config, registry, journal, history, clientAddress, log }) {
    this.config = config;
    this.history = history;
    this.registry = registry;
    this.journal = journal;
    this.clientAddress = clientAddress;
    this.log = log;
    /** @type {RtmFaults} */
    this.faults = { noConnectAck: false, middlewareError: null, ignoreAuth: false };
    /** A hostile server: `unauthorized` messages repeat the username and password (see `Control#echoCredentials`). */
    this.echoCredentials = false;
    /** @type {Map<string, Conn>} */
    this.conns = new Map();
    /** @type {Set<import("engine.io").Socket>} */
    this.engineSockets = new Set();
    const accepted = new Set(paths.flatMap((p) => [p, p.replace(/\/$/, "")]));
    this.httpServer = http.createServer((_req, res) => {
      res.writeHead(404).end();
    });
    this.io = new Server(this.httpServer, {
      path: "/",
      transports: ["websocket"],
      pingInterval,
      pingTimeout,
      serveClient: false,
      allowEIO3: false,
      allowRequest: (req, callback) => {
        const pathname = new URL(req.url ?? "/", "http://emulator.invalid").pathname;
        callback(accepted.has(pathname) ? null : "unknown path", accepted.has(pathname));
      },
    });
    this.io.engine.on("connection", (/** @type {import("engine.io").Socket} */ raw) => {
      this.journal.count("handshakes");
      this.engineSockets.add(raw);
      this.journal.peak("peakSessions", this.engineSockets.size);
      raw.on("close", () => this.engineSockets.delete(raw));
    });
    this.io.use((_socket, next) => {
      this.journal.count("namespaceConnects");
      if (this.faults.noConnectAck) return;
      if (this.faults.middlewareError !== null) next(new Error(this.faults.middlewareError));
      else next();
    });
    this.io.on("connection", (socket) => this.onConnection(socket));
  }

  /** Listens on an ephemeral port of 127.0.0.1; resolves with it. */
  async listen() {
    await new Promise((resolve, reject) => {
      this.httpServer.once("error", reject);
      this.httpServer.listen(0, "127.0.0.1", () => resolve(undefined));
    });
    return /** @type {import("node:net").AddressInfo} */ (this.httpServer.address()).port;
  }

  /** @param {IoSocket} socket */
  onConnection(socket) {
    /** @type {Conn} */
    const conn = {
      socket,
      token: null,
      authenticated: false,
      silenced: false,
      events: [],
      rooms: [],
      remoteAddress: this.clientAddress(socket.request.socket.remotePort) ?? socket.handshake.address,
      connectedAt: Date.now(),
      authenticatedAt: null,
      deadline: null,
      hangup: null,
    };
    this.conns.set(socket.id, conn);
    if (this.config.authTimeoutMs > 0) {
      conn.deadline = setTimeout(() => {
        conn.deadline = null;
        if (conn.authenticated) return;
        this.journal.count("authTimeouts");
        this.log(`rtm ${socket.id}: no authentication within ${this.config.authTimeoutMs} ms, disconnecting`);
        socket.disconnect(true);
      }, this.config.authTimeoutMs);
    }
    socket.on("authentication", (payload) => this.onAuthentication(conn, payload));
    for (const kind of ["socket:bind", "socket:bind:push", "socket:bind:pop"]) {
      socket.on(kind, (payload) => this.onBind(conn, kind, payload));
    }
    socket.on("disconnect", (reason) => {
      clearTimers(conn);
      this.conns.delete(socket.id);
      if (reason === "ping timeout") this.journal.count("pingTimeouts");
      this.log(`rtm ${socket.id}: disconnected (${reason})`);
    });
  }

  /**
   * @param {Conn} conn
   * @param {unknown} raw
   */
  onAuthentication(conn, raw) {
    this.journal.count("authentications");
    const payload = asObject(raw);
    const username = typeof payload.username === "string" ? payload.username : null;
    const token = this.registry.verify(payload.username, payload.password);
    /** @type {Omit<AuthRecord, "result">} */
    const record = {
      at: Date.now(),
      socketId: conn.socket.id,
      username,
      tier: payload.tier,
      events: payload.events,
      rooms: payload.rooms,
      passwordMatched: token !== null,
    };
    if (this.faults.ignoreAuth) {
      this.journal.auth({ ...record, result: "ignored" });
      return;
    }
    conn.authenticated = false;
    const events = stringList(payload.events);
    const rooms = stringList(payload.rooms);
    if (token === null || (payload.tier !== undefined && payload.tier !== token.tier)) {
      const echo = this.echoCredentials ? ` (got ${username}:${String(payload.password)})` : "";
      this.reject(conn, record, `Invalid session: the token is unknown or its key or tier does not match${echo}`);
      return;
    }
    if (events === null || rooms === null) {
      this.reject(conn, record, "Invalid authentication payload: events and rooms must be arrays of strings");
      return;
    }
    const foreign = (rooms ?? []).filter((room) => !this.registry.owns(token, room));
    if (foreign.length > 0) {
      this.reject(conn, record, `Rooms not allowed for this token (website not subscribed): ${foreign.join(", ")}`);
      return;
    }
    const others = [...this.conns.values()].filter((c) => c !== conn && c.authenticated && c.token === token);
    if (others.length >= this.config.connectionLimit && this.config.limitMode === "kick") {
      this.journal.count("kicked");
      this.journal.auth({ ...record, result: "kicked", message: "connection limit reached" });
      this.log(`rtm ${conn.socket.id}: token ${token.identifier} over its connection limit, disconnecting`);
      conn.socket.disconnect(true);
      return;
    }
    if (conn.deadline) clearTimeout(conn.deadline);
    conn.deadline = null;
    conn.token = token;
    conn.authenticated = true;
    conn.authenticatedAt = Date.now();
    conn.silenced = others.length >= this.config.connectionLimit;
    conn.events = events && events.length > 0 ? events : eventsForTier(token.tier);
    conn.rooms = rooms ?? [...token.websites];
    this.journal.count("authenticated");
    this.journal.auth({ ...record, result: conn.silenced ? "silenced" : "authenticated" });
    this.log(
      `rtm ${conn.socket.id}: authenticated as ${token.identifier}${conn.silenced ? " (silenced: over the limit)" : ""}`,
    );
    conn.socket.emit("authenticated", true);
  }

  /**
   * Answers `unauthorized`, then disconnects after `unauthorizedDelayMs`.
   * @param {Conn} conn
   * @param {Omit<AuthRecord, "result">} record
   * @param {string} message
   */
  reject(conn, record, message) {
    this.journal.count("unauthorized");
    this.journal.auth({ ...record, result: "unauthorized", message });
    this.log(`rtm ${conn.socket.id}: unauthorized (${message})`);
    conn.socket.emit("unauthorized", { message });
    if (conn.hangup) clearTimeout(conn.hangup);
    conn.hangup = setTimeout(() => conn.socket.disconnect(true), this.config.unauthorizedDelayMs);
  }

  /**
   * `socket:bind` replaces the lists given (`{}` resets rooms to the token's current websites),
   * `socket:bind:push` adds to them, `socket:bind:pop` removes from them.
   * @param {Conn} conn
   * @param {string} kind
   * @param {unknown} raw
   */
  onBind(conn, kind, raw) {
    this.journal.count("binds");
    const payload = asObject(raw);
    const events = stringList(payload.events);
    const rooms = stringList(payload.rooms);
    const base = {
      at: Date.now(),
      socketId: conn.socket.id,
      token: conn.token?.identifier ?? null,
      kind,
      payload: { events: payload.events, rooms: payload.rooms },
    };
    const token = conn.token;
    if (!conn.authenticated || token === null || events === null || rooms === null) {
      this.journal.bind({ ...base, accepted: false });
      return;
    }
    const owned = rooms?.filter((room) => this.registry.owns(token, room));
    const rejectedRooms = rooms?.filter((room) => !this.registry.owns(token, room)) ?? [];
    if (kind === "socket:bind") {
      if (events === undefined && rooms === undefined) conn.rooms = [...token.websites];
      if (events !== undefined) conn.events = events;
      if (owned !== undefined) conn.rooms = owned;
    } else if (kind === "socket:bind:push") {
      if (events !== undefined) conn.events = [...new Set([...conn.events, ...events])];
      if (owned !== undefined) conn.rooms = [...new Set([...conn.rooms, ...owned])];
    } else {
      if (events !== undefined) conn.events = conn.events.filter((e) => !events.includes(e));
      if (rooms !== undefined) conn.rooms = conn.rooms.filter((r) => !rooms.includes(r));
    }
    this.journal.bind(
      rejectedRooms.length > 0 ? { ...base, accepted: true, rejectedRooms } : { ...base, accepted: true },
    );
  }

  /**
   * Sends `event` to every authenticated, non-silenced socket subscribed to it (tier, events, and
   * for events with a website, ownership and rooms). Returns how many sockets got it.
   * @param {RtmEvent} event
   */
  deliver(event) {
    this.history.record(event);
    let delivered = 0;
    for (const conn of this.conns.values()) {
      const token = conn.token;
      if (!conn.authenticated || conn.silenced || token === null) continue;
      if (event.token !== null && token.identifier !== event.token) continue;
      if (!tierAllows(token.tier, event.name) || !conn.events.includes(event.name)) continue;
      if (
        event.websiteId !== null &&
        (!this.registry.owns(token, event.websiteId) || !conn.rooms.includes(event.websiteId))
      )
        continue;
      conn.socket.emit(event.name, event.payload);
      delivered += 1;
    }
    this.journal.count("delivered", delivered);
    if (delivered > 0) {
      const fingerprint = /** @type {Record<string, unknown>} */ (event.payload).fingerprint;
      this.journal.emitted({
        at: Date.now(),
        name: event.name,
        websiteId: event.websiteId,
        fingerprint: fingerprint ?? null,
        delivered,
      });
    }
    return delivered;
  }

  /**
   * Sets the connection limit and disconnects each token's newest authenticated sockets beyond it.
   * @param {number} limit
   * @returns {number} sockets disconnected
   */
  kick(limit) {
    this.config.connectionLimit = limit;
    /** @type {Map<Token, Conn[]>} */
    const byToken = new Map();
    for (const conn of this.conns.values()) {
      if (!conn.authenticated || conn.token === null) continue;
      byToken.set(conn.token, [...(byToken.get(conn.token) ?? []), conn]);
    }
    let kicked = 0;
    for (const conns of byToken.values()) {
      const newestFirst = conns.sort((a, b) => (b.authenticatedAt ?? 0) - (a.authenticatedAt ?? 0));
      for (const conn of newestFirst.slice(0, Math.max(0, conns.length - limit))) {
        conn.socket.disconnect(true);
        kicked += 1;
      }
    }
    this.journal.count("kicked", kicked);
    return kicked;
  }

  /** Server-initiated, polite disconnect (`41`) of every namespace socket; returns how many. */
  disconnectAll() {
    const sockets = [...this.conns.values()].map((c) => c.socket);
    for (const socket of sockets) socket.disconnect(true);
    return sockets.length;
  }

  /**
   * Sends `frame` as a raw Engine.IO message (`4<frame>` on the wire) on every open session,
   * whether or not its namespace CONNECT was answered. Returns how many.
   * @param {string} frame
   */
  malformed(frame) {
    for (const raw of this.engineSockets) raw.send(frame);
    return this.engineSockets.size;
  }

  /** Drops every session without a word (used while the front restarts). */
  forgetAll() {
    for (const raw of this.engineSockets) raw.close(true);
  }

  /** @returns {ConnectionState[]} */
  connections() {
    return [...this.conns.values()].map((c) => ({
      id: c.socket.id,
      token: c.token?.identifier ?? null,
      authenticated: c.authenticated,
      silenced: c.silenced,
      events: [...c.events],
      rooms: [...c.rooms],
      remoteAddress: c.remoteAddress,
      connectedAt: c.connectedAt,
      authenticatedAt: c.authenticatedAt,
    }));
  }

  /** Clears the Socket.IO-level faults. */
  clearFaults() {
    this.faults = { noConnectAck: false, middlewareError: null, ignoreAuth: false };
  }

  /** Closes every session and the internal HTTP server. */
  async close() {
    for (const conn of this.conns.values()) clearTimers(conn);
    await this.io.close();
  }
}
