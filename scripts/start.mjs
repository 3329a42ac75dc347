#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: builds the library, starts the Crisp RTM emulator with its conversation generator and serves
 * the demo page. `startDemo()` does the same for tests. Options: `--no-build`, `--port <n>` (page),
 * `--rest-port <n>`, `--rtm-port <n>`, `--rate <events/s>`, `--hub <ws URL of a hub's /events>`, `--log`.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildLibrary } from "../demo/server/build.js";
import { startDemoServer } from "../demo/server/demo-server.js";
import { withPortFallback } from "../demo/server/listen.js";
import { startEmulator } from "../emulator/index.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BUNDLE = fileURLToPath(new URL("../dist/crisp-rtm.js", import.meta.url));

/** Default ports; a taken one falls back to a free port. */
export const DEFAULT_PORTS = Object.freeze({ page: 4280, rest: 4281, rtm: 4282 });

/**
 * @typedef {object} DemoOptions
 * @property {boolean | "auto"} [build] Run `npm run build` first; "auto" only when `dist/` has no bundle. Default true.
 * @property {number} [port] Page port; default 4280 (0 = any free port).
 * @property {number} [restPort] Emulator REST + control port; default 4281.
 * @property {number} [rtmPort] Emulator RTM port; default 4282.
 * @property {number} [rate] Generated events per second; default 5.
 * @property {string} [hubUrl] Pre-fills the hub switch of the page.
 * @property {boolean | ((line: string) => void)} [log] Emulator log lines.
 */

/**
 * Starts the demo: (build,) emulator without TLS, page server.
 * @param {DemoOptions} [options]
 * @returns {Promise<{ url: string, emulator: import("../emulator/index.js").Emulator, close: () => Promise<void> }>}
 */
export async function startDemo(options = {}) {
  const build = options.build ?? true;
  if (build === true || (build === "auto" && !existsSync(BUNDLE))) await buildLibrary(ROOT);
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build`);
  const restPort = options.restPort ?? DEFAULT_PORTS.rest;
  const rtmPort = options.rtmPort ?? DEFAULT_PORTS.rtm;
  const emulatorOptions = {
    tls: false, traffic: { rate: options.rate ?? 5 }, log: options.log ?? false,
    // Short heartbeats, so the page notices a half-open connection within about 10 s.
    pingInterval: 5000, pingTimeout: 5000,
  };
  const emulator = await withPortFallback(restPort, (rest) =>
    withPortFallback(rtmPort, (rtm) => startEmulator({ ...emulatorOptions, restPort: rest, rtmPort: rtm })),
  );
  try {
    const config = {
      restUrl: emulator.restUrl, rtmUrl: emulator.rtmUrl, controlUrl: emulator.controlUrl,
      tokens: emulator.tokens.map(({ identifier, key, websites }) => ({ identifier, key, websites })),
      ...(options.hubUrl ? { hubUrl: options.hubUrl } : {}),
    };
    const server = await withPortFallback(options.port ?? DEFAULT_PORTS.page, (port) => startDemoServer({ root: ROOT, config, port }));
    return {
      url: `http://localhost:${server.port}/`,
      emulator,
      close: async () => {
        await server.close();
        await emulator.close();
      },
    };
  } catch (error) {
    await emulator.close();
    throw error;
  }
}

/**
 * @param {string | undefined} value
 * @param {string} name
 * @returns {number | undefined}
 */
function numberArg(value, name) {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || parsed < 0) throw new TypeError(`--${name} expects a number >= 0`);
  return parsed;
}

async function main() {
  const { values } = parseArgs({
    options: {
      build: { type: "boolean", default: true }, port: { type: "string" }, "rest-port": { type: "string" },
      "rtm-port": { type: "string" }, rate: { type: "string" }, hub: { type: "string" }, log: { type: "boolean" },
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
  set("rate", numberArg(values.rate, "rate"));
  set("hubUrl", values.hub);
  const demo = await startDemo(options);
  console.log(`\nEmulator: REST ${demo.emulator.restUrl}, RTM ${demo.emulator.rtmUrl}, control ${demo.emulator.controlUrl}`);
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
