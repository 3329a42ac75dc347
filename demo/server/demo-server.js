// @ts-check
/**
 * The demo's HTTP server: the page (`demo/`), the library bundles (`/dist/`), `/demo-config.json`, and the
 * `POST` routes of the customer's backend it plays (`/api/ticket`, the fault buttons), given by the caller.
 */
import http from "node:http";
import { join } from "node:path";
import { listen } from "./listen.js";
import { resolveFile, sendFile, sendText } from "./static.js";

/**
 * What the page pre-fills its form with. The token keys are the emulator's local demo tokens.
 * @typedef {object} DemoConfig
 * @property {string} [restUrl] REST base of the emulator.
 * @property {string} [rtmUrl] The emulator's RTM endpoint (what discovery answers).
 * @property {string} [controlUrl] The emulator's fault/control API.
 * @property {{ identifier: string, key: string, websites: string[] }[]} [tokens]
 * @property {string} [hubUrl] A hub's `/events` WebSocket URL, when one was given.
 * @property {string} [ticketUrl] The backend's ticket endpoint (answers `{ ticket }`); with it the page connects through the hub by default.
 * @property {string[]} [hubFaults] The hub-mode fault names `POST /api/faults/<name>` accepts.
 */

/**
 * A `POST` route of the backend: resolves with the JSON answer, or throws (answered 500 with the message).
 * @typedef {(body: unknown) => Promise<unknown>} PostRoute
 */

/**
 * Starts the server.
 * @param {object} options
 * @param {string} options.root The repository root (holds `demo/` and `dist/`).
 * @param {DemoConfig} options.config
 * @param {number} options.port 0 for any free port.
 * @param {string} [options.host] Default 127.0.0.1.
 * @param {Record<string, PostRoute>} [options.routes] `POST` routes by path (e.g. `/api/ticket`).
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function startDemoServer({ root, config, port, host = "127.0.0.1", routes = {} }) {
  const mounts = [
    { prefix: "/dist/", dir: join(root, "dist") },
    { prefix: "/", dir: join(root, "demo"), deny: ["server", "worker", "node_modules"] },
  ];
  const configJson = JSON.stringify(config);
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://demo.invalid");
    const route = req.method === "POST" && Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    if (route) {
      void answerPost(req, res, route);
    } else if (req.method !== "GET" && req.method !== "HEAD") {
      sendText(res, 405, "Method not allowed", { Allow: "GET, HEAD" });
    } else if (pathname === "/demo-config.json") {
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : configJson);
    } else {
      const path = pathname === "/" ? "/index.html" : pathname;
      void sendFile(req, res, resolveFile(mounts, path));
    }
  });
  const bound = await listen(server, port, host);
  return {
    port: bound,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      }),
  };
}

/**
 * Runs a POST route: reads a small JSON body, answers JSON (`no-store`), 500 with the error's message on failure.
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {PostRoute} route
 */
async function answerPost(req, res, route) {
  let status = 200;
  let answer;
  try {
    let text = "";
    for await (const chunk of req) {
      text += chunk;
      if (text.length > 16_384) throw new Error("body too large");
    }
    answer = await route(text.trim() ? JSON.parse(text) : {});
  } catch (error) {
    status = 500;
    answer = { error: error instanceof Error ? error.message : String(error) };
  }
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" });
  res.end(JSON.stringify(answer));
}
