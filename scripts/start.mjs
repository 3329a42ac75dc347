#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: the production architecture on this machine. It builds the library, starts the Crisp RTM
 * emulator (standing in for Crisp) with its conversation generator, the hub (`demo/worker/`) in workerd through
 * Miniflare (offline), and the demo server, which plays the customer's backend: it holds the hub's subscriber
 * secret and gives the page a ticket (`POST /api/ticket`) for each subscription. The page connects through the
 * hub with `crisp-rtm/hub`; direct mode (`CrispRTM` with the emulator's token) stays as a labelled option.
 * `startDemo()` does the same for tests. Options: `--no-build`, `--port <n>` (page), `--rest-port <n>`,
 * `--rtm-port <n>`, `--hub-port <n>`, `--rate <events/s>`, `--hub <ws URL of another hub's /events>` (no local
 * hub then), `--log`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildLibrary } from "../demo/server/build.js";
import { startDemoServer } from "../demo/server/demo-server.js";
import { withPortFallback } from "../demo/server/listen.js";
import { startLocalHub } from "../demo/server/local-hub.js";
import { startEmulator } from "../emulator/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUNDLE = fileURLToPath(new URL("../dist/crisp-rtm.js", import.meta.url));
const HUB_BUNDLE = fileURLToPath(new URL("../dist/hub.js", import.meta.url));

/** Default ports; a taken one falls back to a free port. */
export const DEFAULT_PORTS = Object.freeze({ page: 4280, rest: 4281, rtm: 4282, hub: 4283 });

/** How long the "Crisp down" and "restart the hub" faults keep their server down. */
const DOWN_MS = 4000;

/**
 * @typedef {object} DemoOptions
 * @property {boolean | "auto"} [build] Run `npm run build` first; "auto" only when `dist/` has no bundle. Default true.
 * @property {number} [port] Page port; default 4280 (0 = any free port).
 * @property {number} [restPort] Emulator REST + control port; default 4281.
 * @property {number} [rtmPort] Emulator RTM port; default 4282.
 * @property {number} [rate] Generated events per second; default 5.
 * @property {number} [hubPort] The local hub's port; default 4283.
 * @property {string} [hubUrl] Another hub's `/events` URL: no local hub is started, the page's hub field is pre-filled.
 * @property {Record<string, string>} [hubVars] Extra vars of the local hub (tests).
 * @property {boolean | ((line: string) => void)} [log] Emulator log lines.
 */

/**
 * Starts the demo: (build,) emulator without TLS, the local hub, the page server with the backend's routes.
 * @param {DemoOptions} [options]
 * @returns {Promise<{ url: string, emulator: import("../emulator/index.js").Emulator, hub: import("../demo/server/local-hub.js").LocalHub | null, close: () => Promise<void> }>}
 */
export async function startDemo(options = {}) {
  const build = options.build ?? true;
  if (build === true || (build === "auto" && !(existsSync(BUNDLE) && existsSync(HUB_BUNDLE)))) await buildLibrary(ROOT);
  for (const file of [BUNDLE, HUB_BUNDLE])
    if (!existsSync(file)) throw new Error(`${file} is missing: run npm run build`);
  const restPort = options.restPort ?? DEFAULT_PORTS.rest;
  const rtmPort = options.rtmPort ?? DEFAULT_PORTS.rtm;
  const emulatorOptions = {
    tls: false,
    traffic: { rate: options.rate ?? 5 },
    log: options.log ?? false,
    // Short heartbeats, so the page notices a half-open connection within about 10 s.
    pingInterval: 5000,
    pingTimeout: 5000,
  };
  const emulator = await withPortFallback(restPort, (rest) =>
    withPortFallback(rtmPort, (rtm) => startEmulator({ ...emulatorOptions, restPort: rest, rtmPort: rtm })),
  );
  /** @type {import("../demo/server/local-hub.js").LocalHub | null} */
  let hub = null;
  try {
    if (!options.hubUrl) {
      const vars = { HUB_TICKET_TTL_SECONDS: "30", ...options.hubVars };
      hub = await withPortFallback(options.hubPort ?? DEFAULT_PORTS.hub, (port) =>
        startLocalHub({ emu: emulator, port, vars }),
      );
    }
    const local = hub;
    const config = {
      restUrl: emulator.restUrl,
      rtmUrl: emulator.rtmUrl,
      controlUrl: emulator.controlUrl,
      tokens: emulator.tokens.map(({ identifier, key, websites }) => ({ identifier, key, websites })),
      ...(options.hubUrl ? { hubUrl: options.hubUrl } : {}),
      ...(local
        ? { hubUrl: local.url, ticketUrl: "/api/ticket", hubFaults: Object.keys(hubFaults(local, emulator)) }
        : {}),
    };
    /** @type {Record<string, import("../demo/server/demo-server.js").PostRoute>} */
    const routes = {};
    if (local) {
      // The customer's backend: a real one checks the user's session here, then asks the hub for a ticket
      // limited to what that user may see. The subscriber secret never leaves this process.
      routes["/api/ticket"] = async () => ({ ticket: await local.ticket() });
      for (const [name, run] of Object.entries(hubFaults(local, emulator))) routes[`/api/faults/${name}`] = run;
    }
    const server = await withPortFallback(options.port ?? DEFAULT_PORTS.page, (port) =>
      startDemoServer({ root: ROOT, config, port, routes }),
    );
    return {
      url: `http://localhost:${server.port}/`,
      emulator,
      hub: local,
      close: async () => {
        await server.close();
        await local?.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await hub?.close();
    await emulator.close();
    throw error;
  }
}

/**
 * The fault buttons of hub mode, each acting on one part of the path the page uses (Crisp → hub → browser).
 * @param {import("../demo/server/local-hub.js").LocalHub} hub
 * @param {import("../emulator/index.js").Emulator} emulator
 * @returns {Record<string, import("../demo/server/demo-server.js").PostRoute>}
 */
function hubFaults(hub, emulator) {
  const control = async (/** @type {string} */ operation, /** @type {object} */ body) => {
    const response = await fetch(`${emulator.controlUrl}/${operation}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`the emulator answered ${response.status} to ${operation}`);
    return response.json();
  };
  return {
    "upstream-drop": async () => ({ dropped: (await control("drop", {})).dropped }),
    "crisp-down": async () => ({ restarted: Boolean(await control("restart", { downMs: DOWN_MS })), downMs: DOWN_MS }),
    "browser-drop": async () => ({ dropped: hub.dropSubscribers() }),
    "hub-restart": async () => {
      await hub.restart(DOWN_MS);
      return { restarted: true, downMs: DOWN_MS };
    },
    "hub-evict": async () => {
      await hub.evict();
      return { evicted: true };
    },
  };
}

/**
 * @param {string | undefined} value
 * @param {string} name
 * @returns {number | undefined}
 */
function numberArg(value, name) {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0)
    throw new TypeError(`--${name} expects a number >= 0`);
  return parsed;
}

async function main() {
  const { values } = parseArgs({
    options: {
      build: { type: "boolean", default: true },
      port: { type: "string" },
      "rest-port": { type: "string" },
      "rtm-port": { type: "string" },
      "hub-port": { type: "string" },
      rate: { type: "string" },
      hub: { type: "string" },
      log: { type: "boolean" },
    },
    allowNegative: true,
    strict: true,
  });
  /** @type {DemoOptions} */
  const options = { build: values.build !== false, log: values.log === true };
  const set = (/** @type {keyof DemoOptions} */ key, /** @type {unknown} */ value) => {
    if (value !== undefined) Object.assign(options, { [key]: value });
  };
  set("port", numberArg(values.port, "port"));
  set("restPort", numberArg(values["rest-port"], "rest-port"));
  set("rtmPort", numberArg(values["rtm-port"], "rtm-port"));
  set("hubPort", numberArg(values["hub-port"], "hub-port"));
  set("rate", numberArg(values.rate, "rate"));
  set("hubUrl", values.hub);
  const demo = await startDemo(options);
  console.log(
    `\nEmulator: REST ${demo.emulator.restUrl}, RTM ${demo.emulator.rtmUrl}, control ${demo.emulator.controlUrl}`,
  );
  if (demo.hub) {
    console.log(
      `Hub (workerd, Miniflare): ${demo.hub.url} (local subscriber secret, for the examples: ${demo.hub.secret})`,
    );
  }
  console.log(`\nDemo: ${demo.url}\n`);
  console.log("Open it in a browser. Ctrl+C stops.");
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void demo.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
