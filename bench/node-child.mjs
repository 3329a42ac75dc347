// @ts-check
/**
 * The Node side of the benchmarks, in its own process so that it has a global WebSocket (Node 20 needs
 * `--experimental-websocket`), `--expose-gc` for the heap figures, and a heap of its own (the emulator runs in
 * bench/run.mjs). `node --experimental-websocket --expose-gc bench/node-child.mjs <mode> '<json options>'`
 * prints one JSON line. Modes: throughput, latency, recovery, memory.
 *
 * crisp-rtm and socket.io-client (its browser build, on the same global WebSocket) are the bundles the other
 * runtimes load; crisp-api is the official Node package, as installed.
 */
import { createRequire } from "node:module";
import { setTimeout as sleep } from "node:timers/promises";
import { io } from "../.cache/bench/socket.io-client.js";
import * as lib from "../dist/crisp-rtm.js";
import { fakeSocketCost } from "./fake-socket.js";
import {
  crispRTMLatency,
  EVENT,
  measureRecovery,
  openClient,
  post,
  recovery,
  throughputSeries,
  withTimeout,
} from "./harness.js";

const require = createRequire(import.meta.url);
/** crisp-api, untyped here: the benchmark reads its socket (`_socket`), which its types mark protected. */
const { Crisp } = /** @type {any} */ (require("crisp-api"));

/** @typedef {{ identifier: string, key: string, websites: string[] }} Token */

/**
 * Opens a crisp-api client (discovery, then its socket) and resolves once the server answered `authenticated`.
 * crisp-api has no public "authenticated" signal: `on()` resolves once its socket.io-client socket exists and
 * `authentication` is emitted (after its fixed 500 ms broker delay), so this listens for the server's
 * `authenticated` reply on that very socket (`client._socket`), attached before any network event can arrive.
 * @param {{ restUrl: string, token: Token, onEvent?: (payload: any) => void }} options
 */
async function openCrispApi({ restUrl, token, onEvent = () => {} }) {
  const client = new Crisp();
  client.setRestHost(new URL(restUrl).origin);
  client.authenticateTier("plugin", token.identifier, token.key);
  client.setRtmMode(Crisp.RTM_MODES.WebSockets);
  await client.on(EVENT, onEvent);
  await withTimeout(
    new Promise((resolve, reject) => {
      client._socket.once("authenticated", resolve);
      client._socket.once("unauthorized", reject);
    }),
    15_000,
    "crisp-api authentication",
  );
  return {
    client,
    close: () => client._socket?.close(),
    onDisconnect: (/** @type {() => void} */ listener) => client._socket.on("disconnect", listener),
  };
}

/** @param {{ restUrl: string, token: Token }} options */
async function crispApiLatency(options) {
  const started = performance.now();
  const { close } = await openCrispApi(options);
  const ms = performance.now() - started;
  close();
  return ms;
}

/**
 * crisp-api's recovery, measured like harness.recovery (it reconnects by itself: 5 s → 10 s, ±75 %).
 * @param {{ restUrl: string, controlUrl: string, token: Token, downMs: number, everyMs?: number }} options
 */
function crispApiRecovery({ restUrl, controlUrl, token, downMs, everyMs = 25 }) {
  const open = (/** @type {() => void} */ onEvent) => openCrispApi({ restUrl, token, onEvent });
  return measureRecovery(open, {
    controlUrl,
    websiteId: token.websites[0],
    downMs,
    everyMs,
    what: "crisp-api recovery",
  });
}

/** Collects garbage until the heap stops shrinking; returns heapUsed. */
async function settledHeap() {
  const gc = /** @type {() => void} */ (globalThis.gc);
  let previous = Infinity;
  for (let i = 0; i < 10; i += 1) {
    await sleep(20);
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 1024) return used;
    previous = used;
  }
  return process.memoryUsage().heapUsed;
}

/**
 * Opens a client of any kind (crisp-rtm through discovery, like crisp-api; the others at the RTM URL).
 * @param {string} kind
 * @param {{ restUrl: string, rtmUrl: string, token: Token, onEvent?: (payload: any) => void }} options
 */
function open(kind, { restUrl, rtmUrl, token, onEvent = () => {} }) {
  if (kind === "crisp-api") return openCrispApi({ restUrl, token, onEvent });
  if (kind === "crisp-rtm") return openClient(kind, { lib, restBase: restUrl, token, onEvent });
  return openClient(kind, { io, endpoint: rtmUrl, token, onEvent });
}

/**
 * Heap per idle connected client (`clients` at once) and heap growth after `events` events, per kind. Every
 * kind is warmed up first (bytecode and feedback live on the heap too), then the kinds take turns, in a rotated
 * order, for `runs` rounds.
 * @param {{ restUrl: string, rtmUrl: string, controlUrl: string, token: Token, clients: number, events: number, runs: number }} options
 */
async function memory(options) {
  const { controlUrl, clients, events, runs } = options;
  const kinds = ["crisp-rtm", "socket.io-client", "crisp-api"];
  /** @type {Record<string, { idle: number[], growth: number[], steady: number[] }>} */
  const results = Object.fromEntries(kinds.map((kind) => [kind, { idle: [], growth: [], steady: [] }]));
  /** @type {number[]} */
  const baseline = [];

  /** Opens one client; `flood(count)` floods `count` events to it and waits until all arrived. */
  const openFlooded = async (/** @type {string} */ kind) => {
    let received = 0;
    let target = 0;
    /** @type {() => void} */
    let all = () => {};
    const client = await open(kind, { ...options, onEvent: () => ++received === target && all() });
    const flood = async (/** @type {number} */ count) => {
      received = 0;
      target = count;
      const done = new Promise((resolve) => (all = () => resolve(undefined)));
      await post(`${controlUrl}/flood`, { event: EVENT, count });
      await withTimeout(done, 60_000, `${kind} flood of ${count}`);
    };
    return { client, flood };
  };

  for (const kind of kinds) {
    const warm = [];
    for (let i = 0; i < 3; i += 1) warm.push(await open(kind, options));
    for (const client of warm) client.close();
    const warmed = await openFlooded(kind);
    await warmed.flood(2000);
    warmed.client.close();
  }
  await sleep(300);

  for (let run = 0; run < runs; run += 1) {
    for (const kind of [...kinds.slice(run % kinds.length), ...kinds.slice(0, run % kinds.length)]) {
      const before = await settledHeap();
      const opened = [];
      for (let i = 0; i < clients; i += 1) opened.push(await open(kind, options));
      results[kind]?.idle.push(((await settledHeap()) - before) / clients);
      for (const client of opened) client.close();
      opened.length = 0;
      await sleep(300);

      // A fresh client's first `events` events, then the next `events` on the same client (a leak would show there).
      const { client, flood } = await openFlooded(kind);
      const start = await settledHeap();
      await flood(events);
      const afterFirst = await settledHeap();
      results[kind]?.growth.push(afterFirst - start);
      await flood(events);
      results[kind]?.steady.push((await settledHeap()) - afterFirst);
      client.close();
      await sleep(300);
    }
    // Baseline: the same flood request with no client connected (what the measuring process itself keeps).
    const start = await settledHeap();
    await post(`${controlUrl}/flood`, { event: EVENT, count: events });
    baseline.push((await settledHeap()) - start);
  }
  return { ...results, "(no client: baseline)": { idle: [], growth: baseline, steady: baseline } };
}

/**
 * Client cost without a network: the fake WebSocket of bench/fake-socket.js (shared with the Chromium run)
 * hands `count` `message:send` frames (the emulator's flood payload) to each client, so only the client's own
 * work is timed (Engine.IO and Socket.IO decoding, dispatch to the listener; for raw, one JSON.parse). As Node's
 * WebSocket does, the frames of one 64 KiB read are delivered back to back, then the microtasks they queued run:
 * handing all of them over in one go would pile up socket.io-client's per-packet microtasks (and their packets,
 * promoted to the old generation) and overcharge it. Median of `runs` interleaved rounds, in ns/event of
 * process CPU time (and of wall time).
 * @param {{ count: number, runs: number }} options
 */
async function cpu({ count, runs }) {
  const bench = await fakeSocketCost({ lib });
  /** @type {Record<string, number[]>} */
  const samples = { "crisp-rtm": [], "socket.io-client": [], raw: [] };
  /** @type {Record<string, number[]>} */
  const wall = { "crisp-rtm": [], "socket.io-client": [], raw: [] };
  for (let round = -1; round < runs; round += 1) {
    for (const kind of ["crisp-rtm", "socket.io-client", "raw"]) {
      await bench.open(kind);
      const before = process.cpuUsage();
      const ms = await bench.run(count);
      const used = process.cpuUsage(before);
      bench.close(count);
      if (round >= 0) {
        // Process CPU time (µs), like the renderer CPU time of the Chromium run: on a busy machine the wall
        // clock also counts the time other processes held the cores.
        samples[kind]?.push(((used.user + used.system) * 1e3) / count);
        wall[kind]?.push((ms * 1e6) / count);
      }
    }
  }
  return { cpu: samples, wall };
}

const [mode, json] = process.argv.slice(2);
const options = JSON.parse(json ?? "{}");
/** @type {unknown} */
let output;
if (mode === "throughput") {
  output = { runtime: `Node ${process.versions.node}`, samples: await throughputSeries({ ...options, lib, io }) };
} else if (mode === "latency") {
  /** @type {{ "crisp-rtm": number[], "crisp-api": number[] }} */
  const samples = { "crisp-rtm": [], "crisp-api": [] };
  for (let run = -1; run < options.runs; run += 1) {
    const rtm = await crispRTMLatency({ lib, restBase: options.restUrl, token: options.token });
    const api = await crispApiLatency({ restUrl: options.restUrl, token: options.token });
    if (run >= 0) {
      samples["crisp-rtm"].push(rtm);
      samples["crisp-api"].push(api);
    }
  }
  output = samples;
} else if (mode === "recovery") {
  /** @type {Record<string, number[]>} */
  const samples = {};
  for (const kind of options.kinds) {
    samples[kind] = [];
    const runs = kind === "crisp-api" ? options.crispApiRuns : options.runs;
    for (let run = 0; run < runs; run += 1) {
      const common = { controlUrl: options.controlUrl, token: options.token, downMs: options.downMs };
      samples[kind].push(
        kind === "crisp-api"
          ? await crispApiRecovery({ ...common, restUrl: options.restUrl })
          : await recovery({
              ...common,
              kind,
              lib,
              io,
              restBase: options.restUrl,
              endpoint: kind === "crisp-rtm" ? undefined : options.rtmUrl,
              websiteId: options.token.websites[0],
            }),
      );
      await sleep(200);
    }
  }
  output = samples;
} else if (mode === "cpu") {
  output = await cpu(options);
} else if (mode === "memory") {
  output = await memory(options);
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
console.log(JSON.stringify(output));
process.exit(0);
