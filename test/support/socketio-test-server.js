// @ts-check
/**
 * A real socket.io v4 server for the Socket.IO layer's conformance tests (test/scenarios/socketio), built like the
 * one socket.io-client's own suite uses (`packages/socket.io-client/test/support/server.ts`): the real
 * `socket.io` package, a short `pingInterval`, `connectionStateRecovery` on, a small `allowRequest` delay so a
 * zero open timeout always fires first, and a namespace `/` whose handlers answer the test events.
 *
 * Namespace `/` events (client → server), in `mode: "normal"`:
 *   hi → emits `hi`;  echo(...args) → emits `echo` with the same args;  getUtf8 → five `takeUtf8`;
 *   false → emits `false` with `false`;  getDate / getDateObj → `takeDate` (a Date) / `takeDateObj` ({date});
 *   getId → `id` {id, engineId};  getHandshake → `handshake` {auth, query};  ack → emits `ack` asking for
 *   an acknowledgement;  numericEvent → an event whose name is the number 1;  kick → `socket.disconnect()`;
 *   kickClose → `socket.disconnect(true)`;  closeTransport → closes the Engine.IO socket (no DISCONNECT);
 *   raw(text) → writes `text` as one Engine.IO message (a malformed Socket.IO packet, say);
 *   rawBinary → one binary Engine.IO message;  attachments(n) → a BINARY_EVENT with `n` buffers;
 *   authentication → `authenticated` (true), the minimum a CrispRTM client needs to become ready.
 * Modes change the namespace CONNECT or the handshake instead: `v2` answers CONNECT with a bare `0` (no sid,
 * like a Socket.IO v2 server), `stall-connect` never answers it, `middleware-error` refuses it (CONNECT_ERROR
 * "Auth failed (main namespace)"), `stall-open` never completes the WebSocket upgrade, `refuse` answers the
 * upgrade with 403.
 *
 * Everything the server sees is kept in a log: handshake requests (with times), Engine.IO sockets with the
 * raw message packets the client sent and why they closed, namespace sockets with their events and
 * disconnect reasons.
 */
import http from "node:http";
import https from "node:https";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { Server } from "socket.io";
import { ensureCerts } from "../../emulator/tls.js";

/** @typedef {"normal" | "v2" | "stall-connect" | "middleware-error" | "stall-open" | "refuse"} SocketIOTestMode */

/**
 * @typedef {object} SocketIOTestServerOptions
 * @property {SocketIOTestMode} [mode] Default `normal`.
 * @property {boolean} [tls] Serve WSS with the emulator's test certificate (`ensureCerts(certDir)`).
 * @property {string} [certDir] Default `.cache/emulator-tls`.
 * @property {string} [path] Engine.IO path; default `/socket.io/`.
 * @property {number} [pingInterval] Default 300 ms.
 * @property {number} [pingTimeout] Default 1000 ms.
 * @property {number} [openDelayMs] Delay of `allowRequest`; default 10 ms, as upstream.
 */

/**
 * @typedef {object} EngineRecord
 * @property {string} id
 * @property {number} openedAt
 * @property {number | null} closedAt
 * @property {string | null} closeReason
 * @property {string[]} packets Data of the Engine.IO `message` packets the client sent (Socket.IO packets).
 */

/**
 * @typedef {object} SocketRecord
 * @property {string} id
 * @property {string} engineId
 * @property {unknown} auth
 * @property {{ name: string, args: unknown[] }[]} events
 * @property {string | null} disconnectReason
 */

/**
 * @typedef {object} SocketIOTestLog
 * @property {number[]} requests Times (ms since epoch) of the handshake requests, accepted or not.
 * @property {number} connectAttempts Namespace CONNECT packets seen by the middleware.
 * @property {EngineRecord[]} engines
 * @property {SocketRecord[]} sockets
 */

/**
 * What `control` can do to the open connections: `drop` closes each Engine.IO socket (the client sees a
 * transport close, no DISCONNECT), `kick` disconnects each namespace socket (a DISCONNECT packet), `raw`
 * writes `text` to each as one Engine.IO message.
 * @typedef {{ action: "drop" } | { action: "kick" } | { action: "raw", text: string }} SocketIOTestControl
 */

/**
 * @typedef {object} SocketIOTestServer
 * @property {string} origin `ws://127.0.0.1:port` or `wss://localhost:port`.
 * @property {string} path
 * @property {string} url `origin + path`.
 * @property {string} deadOrigin Same scheme and host, a port nobody listens on.
 * @property {() => SocketIOTestLog} log
 * @property {(command: SocketIOTestControl) => number} control Acts on every open connection; returns how many.
 * @property {() => Promise<void>} close
 */

const MODES = ["normal", "v2", "stall-connect", "middleware-error", "stall-open", "refuse"];
const UTF8 = ["てすと", "Я Б Г Д Ж Й", "Ä ä Ü ü ß", "utf8 — string", "utf8 — string"];

/**
 * Starts one server on 127.0.0.1 (a free port).
 * @param {SocketIOTestServerOptions} [options]
 * @returns {Promise<SocketIOTestServer>}
 */
export async function startSocketIOTestServer(options = {}) {
  const mode = options.mode ?? "normal";
  if (!MODES.includes(mode)) throw new TypeError(`unknown socket.io test server mode ${JSON.stringify(mode)}`);
  const path = options.path ?? "/socket.io/";
  const openDelayMs = options.openDelayMs ?? 10;
  const certs = options.tls
    ? await ensureCerts(options.certDir ?? fileURLToPath(new URL("../../.cache/emulator-tls/", import.meta.url)))
    : null;
  /** @type {SocketIOTestLog} */
  const log = { requests: [], connectAttempts: 0, engines: [], sockets: [] };
  /** @type {Set<import("engine.io").Socket>} */
  const engines = new Set();
  /** @type {Set<import("node:net").Socket>} */
  const sockets = new Set();
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();
  const later = (/** @type {() => void} */ fn, /** @type {number} */ ms) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };

  /** @type {http.RequestListener} */
  const notFound = (_req, res) => void res.writeHead(404).end();
  const httpServer = certs
    ? https.createServer({ key: certs.key, cert: certs.cert }, notFound)
    : http.createServer(notFound);
  httpServer.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  httpServer.on("secureConnection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  const io = new Server(httpServer, {
    path,
    pingInterval: options.pingInterval ?? 300,
    pingTimeout: options.pingTimeout ?? 1000,
    serveClient: false,
    connectionStateRecovery: {},
    allowRequest: (_req, callback) => {
      log.requests.push(Date.now());
      if (mode === "stall-open") return;
      if (mode === "refuse") return callback("refused by the test server", false);
      later(() => callback(null, true), openDelayMs);
    },
  });

  io.engine.on("connection", (/** @type {import("engine.io").Socket} */ raw) => {
    /** @type {EngineRecord} */
    const record = { id: engineId(raw), openedAt: Date.now(), closedAt: null, closeReason: null, packets: [] };
    log.engines.push(record);
    engines.add(raw);
    raw.on("packet", (/** @type {{ type: string, data?: unknown }} */ packet) => {
      if (packet.type === "message") record.packets.push(typeof packet.data === "string" ? packet.data : "<binary>");
    });
    raw.on("close", (/** @type {string} */ reason) => {
      record.closedAt = Date.now();
      record.closeReason = reason;
      engines.delete(raw);
    });
  });

  io.use((socket, next) => {
    log.connectAttempts += 1;
    switch (mode) {
      case "v2":
        socket.conn.write("0");
        return;
      case "stall-connect":
        return;
      case "middleware-error":
        next(new Error("Auth failed (main namespace)"));
        return;
      default:
        next();
    }
  });

  io.on("connection", (socket) => {
    /** @type {SocketRecord} */
    const record = {
      id: socket.id,
      engineId: engineId(socket.conn),
      auth: socket.handshake.auth,
      events: [],
      disconnectReason: null,
    };
    log.sockets.push(record);
    socket.onAny((name, ...args) => record.events.push({ name: String(name), args }));
    socket.on("disconnect", (reason) => {
      record.disconnectReason = reason;
    });
    socket.on("hi", () => socket.emit("hi"));
    socket.on("echo", (...args) => socket.emit("echo", ...args));
    socket.on("getUtf8", () => {
      for (const text of UTF8) socket.emit("takeUtf8", text);
    });
    socket.on("false", () => socket.emit("false", false));
    socket.on("getDate", () => socket.emit("takeDate", new Date()));
    socket.on("getDateObj", () => socket.emit("takeDateObj", { date: new Date() }));
    socket.on("getId", () => socket.emit("id", { id: socket.id, engineId: engineId(socket.conn) }));
    socket.on("getHandshake", () =>
      socket.emit("handshake", { auth: socket.handshake.auth, query: socket.handshake.query }),
    );
    socket.on("ack", () => {
      socket.emit("ack", () => socket.emit("got it"));
    });
    socket.on("numericEvent", () => {
      // socket.io accepts an integer event name on the wire; its TypeScript types do not.
      /** @type {(name: unknown, ...args: unknown[]) => boolean} */ (socket.emit).call(socket, 1, "a");
    });
    socket.on("kick", () => socket.disconnect());
    socket.on("kickClose", () => socket.disconnect(true));
    socket.on("closeTransport", () => socket.conn.close());
    socket.on("raw", (text) => {
      if (typeof text === "string") socket.conn.write(text);
    });
    socket.on("rawBinary", () => socket.conn.write(Buffer.from([1, 2, 3])));
    socket.on("attachments", (count) => {
      const n = typeof count === "number" ? Math.min(Math.max(count, 1), 10) : 1;
      socket.emit("hello", ...Array.from({ length: n }, (_, i) => Buffer.from([i])));
    });
    socket.on("authentication", () => socket.emit("authenticated", true));
  });

  await new Promise((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(0, "127.0.0.1", () => resolve(undefined));
  });
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const host = certs ? "localhost" : "127.0.0.1";
  const scheme = certs ? "wss" : "ws";
  const origin = `${scheme}://${host}:${port}`;
  const deadOrigin = `${scheme}://${host}:${await deadPort()}`;

  /** @type {Promise<void> | null} */
  let closing = null;
  return {
    origin,
    path,
    url: origin + path,
    deadOrigin,
    log: () => structuredClone(log),
    control(command) {
      const count = engines.size;
      if (command.action === "kick") io.disconnectSockets();
      for (const raw of [...engines]) {
        if (command.action === "drop") raw.close();
        else if (command.action === "raw") raw.write(String(command.text));
      }
      return count;
    },
    close() {
      closing ??= (async () => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        const closed = io.close().catch(() => {});
        for (const socket of sockets) socket.destroy();
        await closed;
      })();
      return closing;
    },
  };
}

/**
 * The Engine.IO session id (a private field in engine.io's types, public at run time).
 * @param {import("engine.io").Socket} raw
 * @returns {string}
 */
function engineId(raw) {
  return /** @type {{ id: string }} */ (/** @type {unknown} */ (raw)).id;
}

/** A port that was free a moment ago and has no listener now. */
async function deadPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return port;
}
