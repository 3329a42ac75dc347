// @ts-check
/** The demo's HTTP server: the page (`demo/`), the library bundle (`/dist/`) and `/demo-config.json`. */
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
 */

/**
 * Starts the server.
 * @param {object} options
 * @param {string} options.root The repository root (holds `demo/` and `dist/`).
 * @param {DemoConfig} options.config
 * @param {number} options.port 0 for any free port.
 * @param {string} [options.host] Default 127.0.0.1.
 * @returns {Promise<{ port: number, close: () => Promise<void> }>}
 */
export async function startDemoServer({ root, config, port, host = "127.0.0.1" }) {
  const mounts = [
    { prefix: "/dist/", dir: join(root, "dist") },
    { prefix: "/", dir: join(root, "demo"), deny: ["server", "worker", "node_modules"] },
  ];
  const configJson = JSON.stringify(config);
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://demo.invalid");
    if (req.method !== "GET" && req.method !== "HEAD") {
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
