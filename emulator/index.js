// @ts-check
/** The local Crisp RTM emulator: REST discovery, a real socket.io RTM server, faults and traffic. */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { Control } from "./control.js";
import { CONTROL_PREFIX, handleControl } from "./control-http.js";
import { Fingerprints } from "./fingerprints.js";
import { History } from "./history.js";
import { CORS_HEADERS, sendJson } from "./http-util.js";
import { Journal } from "./journal.js";
import { resolveOptions } from "./options.js";
import { RestFaults, RestRoutes } from "./rest.js";
import { RtmServer } from "./rtm.js";
import { TcpProxy } from "./tcp-proxy.js";
import { ensureCerts } from "./tls.js";
import { TokenRegistry } from "./tokens.js";
import { TrafficGenerator } from "./traffic.js";

export { EVENT_NAMES, eventsForTier, isKnownEvent, tierAllows } from "./catalog.js";
export { ControlError } from "./control.js";
export { CONTROL_ROUTES } from "./control-http.js";
export { DEFAULT_TOKENS } from "./options.js";
export { REST_MODES } from "./rest.js";

/** @typedef {import("./options.js").EmulatorOptions} EmulatorOptions */
/** @typedef {import("./options.js").TokenSpec} TokenSpec */
/** @typedef {import("./tls.js").EmulatorCerts} EmulatorCerts */
/** @typedef {import("./control.js").Control} EmulatorControl */

/**
 * A running emulator.
 * @typedef {object} Emulator
 * @property {string} restUrl REST base to give a client, e.g. `http://127.0.0.1:41234/v1`.
 * @property {string} rtmUrl What `socket.app` contains, e.g. `ws://127.0.0.1:41235/p/1/`.
 * @property {string | null} rescueUrl What `rescue.socket.app` contains (same server, `rescuePath`).
 * @property {string} controlUrl Control API base, e.g. `http://127.0.0.1:41234/_emulator`.
 * @property {number} restPort
 * @property {number} rtmPort
 * @property {Required<TokenSpec>[]} tokens The accepted tokens (keys included).
 * @property {EmulatorCerts | null} certs Certificates when `tls` is on.
 * @property {EmulatorControl} control The control API as async methods.
 * @property {() => Promise<void>} close Stops everything; idempotent; leaves no handles.
 */

/**
 * @param {string} host
 */
function urlHost(host) {
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * A port nothing listens on (taken from the OS, then released), for the `rescue` REST mode.
 * @param {string} host
 */
async function deadPort(host) {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, host, () => resolve(undefined)));
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return port;
}

/**
 * @param {http.Server} server
 * @param {number} port
 * @param {string} host
 */
async function listen(server, port, host) {
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(undefined);
    });
  });
  return /** @type {net.AddressInfo} */ (server.address()).port;
}

/**
 * Starts a local Crisp RTM emulator.
 *
 * Layout: one HTTP(S) port serves the REST discovery routes under `/v1/` and the control API under
 * `/_emulator/` (CORS open on both); a second port is the RTM endpoint, a TCP/TLS front piping to a
 * socket.io v4 server (Engine.IO 4, websocket transport only) on an internal 127.0.0.1 port, so
 * transport faults are real and restarting the RTM side keeps REST and control up.
 *
 * URLs use `publicHost`: `localhost` with `tls` (the certificate covers localhost, 127.0.0.1 and
 * ::1; bind stays on `host`, 127.0.0.1 by default), else the bind address. REST answers
 * `data.socket.app = rtmUrl` and, unless `rescuePath` is null, `data.rescue.socket.app =
 * rescueUrl` (the same server under a second path that works too).
 *
 * Protocol: after the namespace CONNECT the client must emit `authentication {username, password,
 * tier?, events?, rooms?}` within `authTimeoutMs` or it is disconnected. A missing tier is taken as
 * the token's own. Success → `authenticated` (true); bad credentials, a tier mismatch, malformed
 * lists or a room the token does not own → `unauthorized {message}`, then a disconnect after
 * `unauthorizedDelayMs`. `events` absent or empty = every event the tier allows; `rooms` absent =
 * the token's websites at that moment. `socket:bind` replaces the lists given (`{}` re-reads the
 * token's websites into rooms; `events: []` empties the list), `socket:bind:push` adds,
 * `socket:bind:pop` removes; binds before authentication are recorded and ignored, rooms the token
 * does not own are dropped. Over `connectionLimit` authenticated sockets per token a new one is
 * disconnected (`limitMode` "kick") or authenticated but never sent anything ("silent").
 *
 * Control (`emu.control.*` or `POST controlUrl/<route>`): `state`, `inject`, `flood`, `sent`, `drop`,
 * `restart`, `halfOpen`, `stall`, `refuse`, `noConnectAck`, `middlewareError`, `ignoreAuth`,
 * `echoCredentials`, `malformed`, `kick`, `disconnectAll`, `restMode`, `traffic`, `config`, `tokenWebsites`, `revoke`, `reset`;
 * see `Control` for each body. Keys are never logged nor recorded.
 *
 * @param {EmulatorOptions} [options]
 * @returns {Promise<Emulator>}
 * @example
 * const emu = await startEmulator({ authTimeoutMs: 500 });
 * const [{ identifier, key }] = emu.tokens;
 * // discover emu.restUrl + "/plugin/connect/endpoints", connect to emu.rtmUrl, then:
 * await emu.control.inject({ event: "message:send", website_id: emu.tokens[0].websites[0], payload: { type: "text", content: "hi" } });
 * await emu.close();
 */
export async function startEmulator(options = {}) {
  const opts = resolveOptions(options);
  const log = opts.log;
  const certs = opts.tls ? await ensureCerts(opts.certDir) : null;
  const registry = new TokenRegistry(opts.tokens);
  const journal = new Journal();
  const fingerprints = new Fingerprints(opts.fingerprintStart);
  const history = new History();
  const config = {
    authTimeoutMs: opts.authTimeoutMs,
    unauthorizedDelayMs: opts.unauthorizedDelayMs,
    connectionLimit: opts.connectionLimit,
    limitMode: opts.limitMode,
  };
  const closing = new AbortController();
  /** @type {(() => Promise<void>)[]} */
  const closers = [];
  const shutdown = async () => {
    closing.abort();
    for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  };

  try {
    /** @type {TcpProxy | null} */
    let proxyRef = null;
    const rtm = new RtmServer({
      paths: opts.rescuePath === null ? [opts.rtmPath] : [opts.rtmPath, opts.rescuePath],
      pingInterval: opts.pingInterval,
      pingTimeout: opts.pingTimeout,
      config,
      registry,
      journal,
      history,
      log,
      clientAddress: (port) => proxyRef?.clientAddress(port) ?? null,
    });
    const upstreamPort = await rtm.listen();
    closers.push(() => rtm.close());

    const proxy = new TcpProxy({
      host: opts.host,
      port: opts.rtmPort,
      upstreamPort,
      log,
      onConnection: () => journal.tcp(),
      secureContext: certs ? tls.createSecureContext({ key: certs.key, cert: certs.cert }) : null,
    });
    proxyRef = proxy;
    const rtmPort = await proxy.listen();
    closers.push(() => proxy.close());

    const scheme = opts.tls ? "https" : "http";
    const wsScheme = opts.tls ? "wss" : "ws";
    const host = urlHost(opts.publicHost);
    const urls = {
      rtmUrl: `${wsScheme}://${host}:${rtmPort}${opts.rtmPath}`,
      rescueUrl: opts.rescuePath === null ? null : `${wsScheme}://${host}:${rtmPort}${opts.rescuePath}`,
      deadUrl: `${wsScheme}://${host}:${await deadPort(opts.host)}${opts.rtmPath}`,
    };

    const traffic = new TrafficGenerator({
      seed: opts.traffic.seed,
      websites: () => registry.allWebsites(),
      fingerprints,
      deliver: (event) => rtm.deliver(event),
    });
    closers.push(async () => traffic.stop());

    const restFaults = new RestFaults();
    const rest = new RestRoutes({ registry, journal, history, faults: restFaults, urls, log });
    const control = new Control({
      rtm,
      proxy,
      rest,
      restFaults,
      registry,
      journal,
      fingerprints,
      traffic,
      config,
      closed: closing.signal,
      initial: { config: { ...config }, trafficRate: opts.traffic.rate, trafficSeed: opts.traffic.seed },
    });

    /** @type {http.RequestListener} */
    const onRequest = (req, res) => {
      const url = new URL(req.url ?? "/", "http://emulator.invalid");
      if (req.method === "OPTIONS") {
        res.writeHead(204, CORS_HEADERS).end();
      } else if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`)) {
        void handleControl(control, req, res, url);
      } else if (url.pathname.startsWith("/v1/")) {
        rest.handle(req, res, url);
      } else {
        sendJson(res, 404, { error: true, reason: "not_found", data: {} });
      }
    };
    const server = certs
      ? https.createServer({ key: certs.key, cert: certs.cert }, onRequest)
      : http.createServer(onRequest);
    const restPort = await listen(server, opts.restPort, opts.host);
    closers.push(async () => {
      rest.releaseHeld();
      const closed = new Promise((resolve) => server.close(() => resolve(undefined)));
      server.closeAllConnections();
      await closed;
    });

    traffic.configure(opts.traffic.rate);
    const base = `${scheme}://${host}:${restPort}`;
    log(
      `REST ${base}/v1, control ${base}${CONTROL_PREFIX}, RTM ${urls.rtmUrl}; tokens ${registry
        .list()
        .map((t) => t.identifier)
        .join(", ")}`,
    );

    /** @type {Promise<void> | null} */
    let closed = null;
    return {
      restUrl: `${base}/v1`,
      rtmUrl: urls.rtmUrl,
      rescueUrl: urls.rescueUrl,
      controlUrl: `${base}${CONTROL_PREFIX}`,
      restPort,
      rtmPort,
      tokens: registry.list(),
      certs,
      control,
      close: () => {
        closed ??= shutdown();
        return closed;
      },
    };
  } catch (error) {
    await shutdown();
    throw error;
  }
}
