// @ts-check
/**
 * A small HTTP service that starts and stops emulators on request, so tests running in a browser, Deno or
 * workerd can each get a fresh emulator with the options they need:
 *   POST   /emulators      body: startEmulator options (JSON)  → { id, restUrl, rtmUrl, controlUrl, tokens }
 *   DELETE /emulators/:id                                      → { closed: true }
 *   POST   /socketio-servers body: socket.io test server options → { id, origin, path, url, deadOrigin }
 *   GET    /socketio-servers/:id                              → what that server saw (its log)
 *   POST   /socketio-servers/:id/control body: { action: "drop" | "kick" | "raw", text? } → { connections }
 *   DELETE /socketio-servers/:id                              → { closed: true }
 *   /hubs…                                                    → hubs on fresh emulators (test/support/hub-manager.js)
 * It listens on 127.0.0.1 and answers CORS, so a page served from another origin can use it.
 */
import { createServer } from "node:http";
import { startEmulator } from "../../emulator/index.js";
import { HubManager } from "./hub-manager.js";
import { startSocketIOTestServer } from "./socketio-test-server.js";

/**
 * Starts the manager.
 * @param {{ port?: number, defaults?: Record<string, unknown> }} [options]
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startEmulatorManager(options = {}) {
  /** @type {Map<string, Awaited<ReturnType<typeof startEmulator>>>} */
  const emulators = new Map();
  /** Shutdowns under way: DELETE answers at once, so a test never waits on an emulator's shutdown. @type {Set<Promise<unknown>>} */
  const closing = new Set();
  /** @type {Map<string, Awaited<ReturnType<typeof startSocketIOTestServer>>>} */
  const socketioServers = new Map();
  const hubs = new HubManager();
  let next = 0;
  const server = createServer(async (req, res) => {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "Content-Type");
    if (req.method === "OPTIONS") return void res.writeHead(204).end();
    try {
      if (req.method === "POST" && req.url === "/emulators") {
        const body = await readBody(req);
        const emulator = await startEmulator({ ...options.defaults, ...body });
        const id = String(++next);
        emulators.set(id, emulator);
        const { restUrl, rtmUrl, controlUrl, tokens } = emulator;
        return send(res, 200, { id, restUrl, rtmUrl, controlUrl, tokens });
      }
      const match = /^\/emulators\/(\w+)$/.exec(req.url ?? "");
      if (req.method === "DELETE" && match) {
        const emulator = emulators.get(match[1] ?? "");
        emulators.delete(match[1] ?? "");
        if (emulator) {
          const done = emulator
            .close()
            .catch(() => {})
            .finally(() => closing.delete(done));
          closing.add(done);
        }
        return send(res, 200, { closed: Boolean(emulator) });
      }
      if (req.method === "POST" && req.url === "/socketio-servers") {
        const server = await startSocketIOTestServer(await readBody(req));
        const id = String(++next);
        socketioServers.set(id, server);
        const { origin, path, url, deadOrigin } = server;
        return send(res, 200, { id, origin, path, url, deadOrigin });
      }
      const socketioControl = /^\/socketio-servers\/(\w+)\/control$/.exec(req.url ?? "");
      if (req.method === "POST" && socketioControl) {
        const server = socketioServers.get(socketioControl[1] ?? "");
        if (!server) return send(res, 404, { error: "no such socket.io server" });
        return send(res, 200, { connections: server.control(await readBody(req)) });
      }
      const socketio = /^\/socketio-servers\/(\w+)$/.exec(req.url ?? "");
      if (req.method === "GET" && socketio) {
        const server = socketioServers.get(socketio[1] ?? "");
        return server ? send(res, 200, server.log()) : send(res, 404, { error: "no such socket.io server" });
      }
      if (req.method === "DELETE" && socketio) {
        const server = socketioServers.get(socketio[1] ?? "");
        socketioServers.delete(socketio[1] ?? "");
        await server?.close();
        return send(res, 200, { closed: Boolean(server) });
      }
      const hubAnswer = await hubs.handle(req.method ?? "GET", req.url ?? "", () => readBody(req));
      if (hubAnswer) return send(res, hubAnswer.status, hubAnswer.body);
      send(res, 404, { error: "not found" });
    } catch (error) {
      send(res, 500, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  await new Promise((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      await Promise.all([...closing, ...[...emulators.values()].map((emulator) => emulator.close())]);
      closing.clear();
      emulators.clear();
      await Promise.all([...socketioServers.values()].map((server) => server.close()));
      socketioServers.clear();
      await hubs.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}

/** @param {import("node:http").IncomingMessage} req */
async function readBody(req) {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 */
function send(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}
