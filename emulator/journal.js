// @ts-check
/** The emulator's counters and bounded logs, read through the control API. */

/** Most entries kept per log; older ones are dropped first. */
export const LOG_LIMIT = 2000;
/** Most connection times kept in `tcpLog`. */
export const TCP_LOG_LIMIT = 20000;

/**
 * @typedef {object} Counters
 * @property {number} restRequests REST requests under /v1/ (preflights excluded).
 * @property {number} tcpConnections TCP connections accepted by the RTM front (refused ones too).
 * @property {number} handshakes Engine.IO sessions opened.
 * @property {number} namespaceConnects Socket.IO CONNECT packets received.
 * @property {number} authentications `authentication` events received.
 * @property {number} authenticated Authentications answered with `authenticated`.
 * @property {number} unauthorized Authentications answered with `unauthorized`.
 * @property {number} authTimeouts Sockets disconnected for not authenticating in time.
 * @property {number} kicked Sockets disconnected by the connection limit or `kick`.
 * @property {number} binds `socket:bind*` events received.
 * @property {number} delivered Event deliveries (one per receiving socket).
 * @property {number} pingTimeouts Sessions the server closed because the client did not answer its ping in time.
 * @property {number} peakSessions Most Engine.IO sessions open at the same time (a client that never holds two connections keeps it at 1).
 */

/**
 * An `authentication` received by the server (the password is never kept).
 * @typedef {object} AuthRecord
 * @property {number} at
 * @property {string} socketId
 * @property {string | null} username
 * @property {unknown} tier
 * @property {unknown} events
 * @property {unknown} rooms
 * @property {boolean} passwordMatched
 * @property {"authenticated" | "unauthorized" | "kicked" | "silenced" | "ignored"} result
 * @property {string} [message]
 */

/**
 * A `socket:bind`, `socket:bind:push` or `socket:bind:pop` received by the server.
 * @typedef {object} BindRecord
 * @property {number} at
 * @property {string} socketId
 * @property {string | null} token
 * @property {string} kind
 * @property {unknown} payload
 * @property {boolean} accepted False before authentication or for a malformed payload.
 * @property {string[]} [rejectedRooms] Rooms dropped because the token does not own them.
 */

/**
 * A REST request (the key is never kept).
 * @typedef {object} RestRecord
 * @property {number} at
 * @property {string} method
 * @property {string} path
 * @property {string | null} route Discovery: `plugin`, `user`, `website`; history: `websites`, `conversations`,
 *   `messages`; null when unknown.
 * @property {string | null} tier The `X-Crisp-Tier` header.
 * @property {string | null} identifier
 * @property {number | null} status Null while a `timeout` fault holds the request.
 * @property {string | null} fault The REST fault mode applied, if any.
 */

/** @returns {Counters} */
function zeroCounters() {
  return {
    restRequests: 0,
    tcpConnections: 0,
    handshakes: 0,
    namespaceConnects: 0,
    authentications: 0,
    authenticated: 0,
    unauthorized: 0,
    authTimeouts: 0,
    kicked: 0,
    binds: 0,
    delivered: 0,
    pingTimeouts: 0,
    peakSessions: 0,
  };
}

/**
 * @template T
 * @param {T[]} list
 * @param {T} entry
 * @param {number} limit
 */
function pushBounded(list, entry, limit) {
  list.push(entry);
  if (list.length > limit) list.splice(0, list.length - limit);
}

/**
 * One event the RTM side emitted (to at least one socket): what a test compares with what a client logged.
 * @typedef {object} SentRecord
 * @property {number} at When it was emitted (ms since epoch).
 * @property {string} name
 * @property {string | null} websiteId
 * @property {unknown} fingerprint The payload's `fingerprint`, when it has one.
 * @property {number} delivered How many sockets it was emitted to.
 */

/** Counters and logs shared by the REST, RTM and TCP parts. */
export class Journal {
  constructor() {
    /** @type {Counters} */
    this.counters = zeroCounters();
    /** @type {AuthRecord[]} */
    this.auths = [];
    /** @type {BindRecord[]} */
    this.binds = [];
    /** @type {RestRecord[]} */
    this.restLog = [];
    /** @type {number[]} */
    this.tcpLog = [];
    /** @type {SentRecord[]} */
    this.sent = [];
  }

  /**
   * Raises a high-water-mark counter to `value` if it is higher.
   * @param {"peakSessions"} name
   * @param {number} value
   */
  peak(name, value) {
    if (value > this.counters[name]) this.counters[name] = value;
  }

  /** @param {SentRecord} entry */
  emitted(entry) {
    pushBounded(this.sent, entry, TCP_LOG_LIMIT);
  }

  /**
   * @param {keyof Counters} name
   * @param {number} [by]
   */
  count(name, by = 1) {
    this.counters[name] += by;
  }

  /** @param {AuthRecord} entry */
  auth(entry) {
    pushBounded(this.auths, entry, LOG_LIMIT);
  }

  /** @param {BindRecord} entry */
  bind(entry) {
    pushBounded(this.binds, entry, LOG_LIMIT);
  }

  /** @param {RestRecord} entry */
  rest(entry) {
    pushBounded(this.restLog, entry, LOG_LIMIT);
  }

  /** Records one TCP connection on the RTM front. */
  tcp() {
    this.count("tcpConnections");
    pushBounded(this.tcpLog, Date.now(), TCP_LOG_LIMIT);
  }

  /** Clears counters and logs. */
  reset() {
    this.counters = zeroCounters();
    this.auths = [];
    this.binds = [];
    this.restLog = [];
    this.tcpLog = [];
    this.sent = [];
  }
}
