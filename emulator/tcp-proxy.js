// @ts-check
/**
 * The public RTM port: a TCP (or TLS-terminating) front that pipes each connection to the internal
 * socket.io server, and can break the transport on demand (drop, restart, half-open, stall,
 * refuse).
 */
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import tls from "node:tls";

/** @typedef {"off" | "reset"} RefuseMode */

/**
 * One client connection and its upstream twin.
 * @typedef {object} Link
 * @property {net.Socket} raw The accepted TCP socket.
 * @property {net.Socket} client `raw`, or the TLS socket wrapping it.
 * @property {net.Socket | null} upstream Connection to the internal server (null while silent from birth).
 * @property {null | "half-open" | "stall"} silent Why nothing is forwarded, if so.
 */

/**
 * Current transport faults.
 * @typedef {object} ProxyFaults
 * @property {boolean} halfOpen
 * @property {boolean} stall
 * @property {RefuseMode} refuse
 * @property {boolean} restarting
 */

const noop = () => {};

/**
 * Forwards `from` to `to` while the link is not silent, respecting backpressure.
 * @param {net.Socket} from
 * @param {net.Socket} to
 * @param {Link} link
 */
function forward(from, to, link) {
  from.on("data", (/** @type {Buffer} */ chunk) => {
    if (link.silent !== null || to.destroyed) return;
    if (!to.write(chunk)) {
      from.pause();
      to.once("drain", () => from.resume());
    }
  });
}

/**
 * Destroys both ends of a link at once, without any goodbye.
 * @param {Link} link
 */
function destroyLink(link) {
  link.client.destroy();
  link.raw.destroy();
  link.upstream?.destroy();
}

/** The fault-injecting front of the RTM server. */
export class TcpProxy {
  /**
   * @param {object} options
   * @param {string} options.host Bind address.
   * @param {number} options.port Public port (0 = ephemeral, then kept across restarts).
   * @param {number} options.upstreamPort Port of the internal plain-HTTP socket.io server on 127.0.0.1.
   * @param {tls.SecureContext | null} options.secureContext Terminate TLS with it when given.
   * @param {() => void} options.onConnection Called for every accepted TCP connection.
   * @param {(line: string) => void} options.log
   */
  constructor({ host, port, upstreamPort, secureContext, onConnection, log }) {
    this.host = host;
    this.port = port;
    this.upstreamPort = upstreamPort;
    this.secureContext = secureContext;
    this.onConnection = onConnection;
    this.log = log;
    /** @type {net.Server | null} */
    this.server = null;
    /** @type {Set<Link>} */
    this.links = new Set();
    /** @type {Set<net.Socket>} upstream sockets still open, even after their client left */
    this.upstreams = new Set();
    /** @type {Map<number, string>} upstream local port → client address */
    this.addresses = new Map();
    this.halfOpen = false;
    this.stall = false;
    /** @type {RefuseMode} */
    this.refuse = "off";
    this.restarting = false;
    this.closed = false;
    this.abort = new AbortController();
  }

  /** Starts listening; resolves with the port. */
  async listen() {
    for (let attempt = 0; ; attempt += 1) {
      const server = net.createServer((raw) => this.accept(raw));
      try {
        await new Promise((resolve, reject) => {
          server.once("error", reject);
          server.listen({ host: this.host, port: this.port }, () => resolve(undefined));
        });
      } catch (error) {
        const code = /** @type {NodeJS.ErrnoException} */ (error).code;
        if (code !== "EADDRINUSE" || this.port === 0 || attempt >= 20) throw error;
        await sleep(50);
        continue;
      }
      server.on("error", (error) => this.log(`rtm front error: ${error.message}`));
      this.server = server;
      this.port = /** @type {net.AddressInfo} */ (server.address()).port;
      return this.port;
    }
  }

  /** @param {net.Socket} raw */
  accept(raw) {
    this.onConnection();
    raw.on("error", noop);
    if (this.closed || this.refuse === "reset") {
      raw.resetAndDestroy();
      return;
    }
    const client = this.secureContext
      ? new tls.TLSSocket(raw, { isServer: true, secureContext: this.secureContext })
      : raw;
    /** @type {Link} */
    const link = { raw, client, upstream: null, silent: null };
    this.links.add(link);
    client.on("error", noop);
    client.on("close", () => this.release(link));
    if (client === raw) this.begin(link);
    else client.once("secure", () => this.begin(link));
  }

  /** @param {Link} link */
  begin(link) {
    const { client } = link;
    if (this.halfOpen || this.stall) {
      link.silent = this.halfOpen ? "half-open" : "stall";
      client.resume();
      return;
    }
    const upstream = net.connect({ host: "127.0.0.1", port: this.upstreamPort });
    link.upstream = upstream;
    this.upstreams.add(upstream);
    upstream.on("error", noop);
    upstream.on("connect", () => {
      if (upstream.localPort !== undefined) this.addresses.set(upstream.localPort, link.raw.remoteAddress ?? "");
    });
    upstream.on("close", () => {
      this.upstreams.delete(upstream);
      if (upstream.localPort !== undefined) this.addresses.delete(upstream.localPort);
      if (link.silent === null) client.end();
    });
    forward(client, upstream, link);
    forward(upstream, client, link);
  }

  /** @param {Link} link */
  release(link) {
    this.links.delete(link);
    link.upstream?.end();
  }

  /**
   * The client's address for an upstream connection, known by its local port.
   * @param {number | undefined} upstreamLocalPort
   */
  clientAddress(upstreamLocalPort) {
    return upstreamLocalPort === undefined ? null : (this.addresses.get(upstreamLocalPort) ?? null);
  }

  /** Destroys every client connection now; returns how many. */
  drop() {
    const count = this.links.size;
    for (const link of this.links) destroyLink(link);
    this.links.clear();
    return count;
  }

  /**
   * Stops listening, drops every connection, and listens again on the same port after `downMs`.
   * @param {number} downMs
   * @param {() => void} [whileDown] Called once the port is closed (e.g. to forget server state).
   */
  async restart(downMs, whileDown) {
    if (this.restarting) throw new Error("a restart is already in progress");
    this.restarting = true;
    try {
      const server = this.server;
      this.server = null;
      const closed = new Promise((resolve) => (server ? server.close(() => resolve(undefined)) : resolve(undefined)));
      this.drop();
      whileDown?.();
      await closed;
      await sleep(downMs, undefined, { signal: this.abort.signal }).catch(noop);
      if (!this.closed) await this.listen();
    } finally {
      this.restarting = false;
    }
    return { downMs, port: this.port };
  }

  /**
   * Half-open on: forwarding stops both ways on every connection (they stay open), new ones get
   * silence too. Off: the silenced connections are destroyed (their streams lost bytes).
   * @param {boolean} enabled
   * @returns {number} connections affected
   */
  setHalfOpen(enabled) {
    this.halfOpen = enabled;
    let affected = 0;
    for (const link of this.links) {
      if (enabled && link.silent === null) {
        link.silent = "half-open";
        affected += 1;
      } else if (!enabled && link.silent === "half-open") {
        destroyLink(link);
        this.links.delete(link);
        affected += 1;
      }
    }
    return affected;
  }

  /**
   * Stall on: new connections are accepted (TLS included) but never forwarded. Off: the stalled
   * connections are destroyed.
   * @param {boolean} enabled
   * @returns {number} stalled connections destroyed when turning it off
   */
  setStall(enabled) {
    this.stall = enabled;
    let affected = 0;
    if (!enabled) {
      for (const link of this.links) {
        if (link.silent !== "stall") continue;
        destroyLink(link);
        this.links.delete(link);
        affected += 1;
      }
    }
    return affected;
  }

  /** @param {RefuseMode} mode `reset` destroys new connections at once; `off` accepts them. */
  setRefuse(mode) {
    this.refuse = mode;
  }

  /** @returns {ProxyFaults} */
  faults() {
    return { halfOpen: this.halfOpen, stall: this.stall, refuse: this.refuse, restarting: this.restarting };
  }

  /** Clears every fault (silenced connections are destroyed). */
  clearFaults() {
    this.setHalfOpen(false);
    this.setStall(false);
    this.setRefuse("off");
  }

  /** Stops listening and destroys every connection. */
  async close() {
    this.closed = true;
    this.abort.abort();
    const server = this.server;
    this.server = null;
    this.drop();
    for (const upstream of this.upstreams) upstream.destroy();
    this.upstreams.clear();
    if (server) await new Promise((resolve) => server.close(() => resolve(undefined)));
  }
}
