// @ts-check
/**
 * Load benchmark of the Durable Object hub (demo/worker) in workerd (Miniflare) against the Crisp emulator, the
 * figures of issue 15. 100 subscribers (browser-style, each with its own ticket, spread over worker threads so
 * the receiving side is not the bottleneck; they ask for `protocol=2`, and a hub that does not know it sends
 * one-event frames, which they count the same way), then:
 *   1. a burst of 3,000 events: deliveries/s (all subscribers together), and meanwhile `GET /status` and new
 *      subscriptions (until their `live`) timed one after the other: p50 / p95;
 *   2. a paced run at 100 events/s: delivery latency (emulator send → subscriber receive) p50 / p95;
 *   3. a 10,000-event burst to a hub whose emulator pings every 1 s with a 0.5 s timeout: ping timeouts seen
 *      by the emulator, events that reached every subscriber, `downtime` notices;
 *   4. storage writes per event (rows written, as Cloudflare bills them), from the hub's `/status`.
 * Prints the figures next to the ones measured before issue 15 (bench/hub-fanout.before.json) and the goals.
 * Needs `npm run build` first. The "before" figures came from this script run on the sources of the hub as it
 * was (`git archive 02bc8c8 demo/worker/src`), with `HUB_ENTRY=<that copy>/demo/worker/src/index.ts` and `--save`.
 *
 *   node bench/hub-fanout.mjs [--subscribers 100] [--threads 4] [--burst 3000] [--paced 500] [--rate 100] [--heartbeat-burst 10000] [--save before.json]
 */
import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/** @typedef {{ type: "opened" } | { type: "done", round: number, received: number[], latencies: number[], lastAt: number, downtimes: number }} ProbeReport */

/**
 * Worker thread: opens its share of the subscriber sockets, then counts events and their latencies per round.
 * @param {{ urls: string[] }} data
 */
function probeThread({ urls }) {
  const port = parentPort;
  if (!port) return;
  let expected = Infinity;
  let lastAt = 0;
  /** @type {number[]} */
  let downtimes = [];
  /** @type {number[]} */
  let received = [];
  /** @type {number[]} */
  let latencies = [];
  let reported = true;
  let round = 0;
  const report = () => {
    reported = true;
    port.postMessage({ type: "done", round, received, latencies, lastAt, downtimes: Math.max(0, ...downtimes) });
  };
  /** @param {any} frame @param {number} index @param {number} now */
  const count = (frame, index, now) => {
    if (frame.type === "downtime") downtimes[index] = (downtimes[index] ?? 0) + 1;
    if (frame.type !== "event") return;
    received[index] = (received[index] ?? 0) + 1;
    lastAt = now;
    latencies.push(now - frame.payload.timestamp);
  };
  const sockets = urls.map((url, index) => {
    const socket = new WebSocket(url);
    socket.addEventListener("message", (event) => {
      const now = Date.now();
      const message = JSON.parse(String(event.data));
      if (message.type === "batch") for (const frame of message.frames) count(frame, index, now);
      else count(message, index, now);
      if (!reported && received.length > 0 && received.every((n) => n >= expected)) report();
    });
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(socket));
      socket.addEventListener("error", () => reject(new Error("a subscriber socket failed")));
    });
  });
  port.on("message", (/** @type {{ expect?: number, round?: number, flush?: boolean, close?: boolean }} */ command) => {
    if (command.close) {
      void Promise.all(sockets)
        .then((all) => {
          for (const socket of all) socket.close(1000, "done");
        })
        .then(() => process.exit(0));
      return;
    }
    if (command.flush) {
      if (!reported) report();
      return;
    }
    received = urls.map(() => 0);
    latencies = [];
    lastAt = 0;
    downtimes = [];
    reported = false;
    round = command.round ?? 0;
    expected = command.expect ?? Infinity;
  });
  void Promise.all(sockets).then(() => port.postMessage({ type: "opened" }));
}

/**
 * Worker thread: while a burst runs, times `GET /status` and new subscriptions (until their `live`), each
 * back to back, from a thread of its own, so neither the emulator's flood nor the subscribers' parsing in this
 * process delays them.
 * @param {{ base: string, tickets: string[] }} data
 */
function proberThread({ base, tickets }) {
  const port = parentPort;
  if (!port) return;
  let running = false;
  let seq = 0;
  /** @type {number[]} */
  let statusMs = [];
  /** @type {number[]} */
  let subscribeMs = [];
  const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
  let failures = 0;
  const statusLoop = async () => {
    while (running) {
      const started = performance.now();
      try {
        const response = await fetch(`${base}status`);
        const body = await response.json();
        statusMs.push(performance.now() - started);
        seq = body.log.seq;
      } catch {
        failures += 1;
      }
      await pause();
    }
  };
  const subscribeLoop = async () => {
    while (running) {
      const ticket = tickets.shift();
      if (!ticket) return;
      const started = performance.now();
      await new Promise((resolve) => {
        const socket = new WebSocket(
          `${base.replace(/^http/, "ws")}events?protocol=2&since=${seq}&ticket=${encodeURIComponent(ticket)}`,
        );
        socket.addEventListener("message", (event) => {
          if (JSON.parse(String(event.data)).type !== "live") return;
          subscribeMs.push(performance.now() - started);
          socket.close(1000, "done");
          resolve(undefined);
        });
        socket.addEventListener("error", () => {
          failures += 1;
          resolve(undefined);
        });
      });
      await pause();
    }
  };
  // A first request opens the thread's connection to the Worker, which is not what the probes measure.
  const warm = fetch(`${base}status`).then((response) => response.json());
  /** @type {Promise<unknown> | undefined} */
  let loops;
  port.on("message", (/** @type {{ start?: boolean, stop?: boolean }} */ command) => {
    if (command.start) {
      running = true;
      statusMs = [];
      subscribeMs = [];
      loops = warm.then(() => Promise.all([statusLoop(), subscribeLoop()]));
    }
    if (command.stop) {
      running = false;
      void (loops ?? Promise.resolve()).then(() =>
        port.postMessage({ type: "probed", statusMs, subscribeMs, failures }),
      );
    }
  });
}

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
/** @param {number[]} values */
const p50p95 = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95), n: sorted.length };
};

/** Node 20 has no global WebSocket without a flag: runs this script again with it. */
function rerunWithWebSocket() {
  if (process.execArgv.includes("--experimental-websocket"))
    throw new Error("no global WebSocket even with --experimental-websocket");
  const child = spawn(process.execPath, ["--experimental-websocket", ...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
  });
  child.on("exit", (code) => process.exit(code ?? 1));
}

/**
 * A hub with `subscribers` subscribers spread over `threads` worker threads.
 * @param {{ emulatorOptions: Record<string, unknown>, subscribers: number, threads: number }} options
 */
async function rig({ emulatorOptions, subscribers, threads }) {
  const { startEmulator } = await import("../emulator/index.js");
  const { eventually, startHub } = await import("../test/hub/harness.js");
  const emu = await startEmulator(emulatorOptions);
  const hub = await startHub({ emu, vars: { HUB_LOG_SIZE: "1000", HUB_TICKET_TTL_SECONDS: "600" } });
  /** @type {Worker[]} */
  const workers = [];
  // hub.url: the Worker's own socket, as subscribers reach it in production (no Miniflare entry Worker between).
  const base = hub.url.href.replace(/^http/, "ws");
  const urls = [];
  for (let i = 0; i < subscribers; i += 1) {
    const { body } = await hub.request("/ticket", { body: {} });
    urls.push(`${base}events?protocol=2&ticket=${encodeURIComponent(body.ticket)}`);
  }
  const tickets = [];
  for (let i = 0; i < 200; i += 1) tickets.push((await hub.request("/ticket", { body: {} })).body.ticket);
  // No await from here to fromAll("opened"), which must listen before the threads report.
  for (let t = 0; t < threads; t += 1) {
    workers.push(
      new Worker(new URL(import.meta.url), { workerData: { urls: urls.filter((_, i) => i % threads === t) } }),
    );
  }
  const prober = new Worker(new URL(import.meta.url), {
    workerData: { role: "prober", base: base.replace(/^ws/, "http"), tickets },
  });
  /**
   * Times `/status` and new subscriptions from the prober thread while `until` runs.
   * @param {Promise<unknown>} until
   * @returns {Promise<{ statusMs: number[], subscribeMs: number[], failures: number }>}
   */
  const probeWhile = async (until) => {
    const probed = new Promise((resolve) => {
      const onMessage = (/** @type {any} */ message) => {
        if (message.type !== "probed") return;
        prober.off("message", onMessage);
        resolve(message);
      };
      prober.on("message", onMessage);
    });
    prober.postMessage({ start: true });
    await until;
    prober.postMessage({ stop: true });
    return /** @type {Promise<{ statusMs: number[], subscribeMs: number[], failures: number }>} */ (probed);
  };
  let rounds = 0;
  /** @param {"opened" | "done"} type @param {number} [round] @returns {Promise<ProbeReport[]>} */
  const fromAll = (type, round) =>
    Promise.all(
      workers.map(
        (worker) =>
          new Promise((resolve) => {
            const onMessage = (/** @type {ProbeReport} */ report) => {
              if (report.type !== type || (report.type === "done" && report.round !== round)) return;
              worker.off("message", onMessage);
              resolve(report);
            };
            worker.on("message", onMessage);
          }),
      ),
    );
  await fromAll("opened");
  await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream", 20_000);
  await eventually(async () => (await hub.status()).subscribers === subscribers, "every subscriber", 20_000);
  const website = emu.tokens[0]?.websites[0];

  /**
   * Floods `count` events and waits until every subscriber has them (or nothing arrived for `idleMs`).
   * @param {number} count @param {number} intervalMs @param {number} [idleMs]
   */
  const round = async (count, intervalMs, idleMs = 20_000) => {
    rounds += 1;
    const done = fromAll("done", rounds);
    for (const worker of workers) worker.postMessage({ expect: count, round: rounds });
    const started = Date.now();
    const beforeWrites = (await hub.status()).storage?.writes;
    // yieldEvery: the emulator shares this thread; it must keep its own heartbeat on time while it floods.
    await emu.control.flood({ event: "message:send", count, website_id: website, intervalMs, yieldEvery: 20 });
    /** @type {ReturnType<typeof setInterval> | undefined} */
    let watch;
    const stalled = new Promise((resolve) => {
      let last = -1;
      let lastChange = Date.now();
      watch = setInterval(async () => {
        const seq = (await hub.status()).log.seq;
        if (seq !== last) {
          last = seq;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > idleMs) {
          for (const worker of workers) worker.postMessage({ flush: true });
          resolve(undefined);
        }
      }, 500);
    });
    const reports = /** @type {Extract<ProbeReport, { type: "done" }>[]} */ (
      await Promise.race([done, stalled.then(() => done)])
    );
    clearInterval(watch);
    const afterWrites = (await hub.status()).storage?.writes;
    const seconds = (Math.max(...reports.map((report) => report.lastAt)) - started) / 1000;
    const perSubscriber = reports.flatMap((report) => report.received);
    const deliveries = perSubscriber.reduce((a, b) => a + b, 0);
    return {
      seconds,
      deliveriesPerSecond: Math.round(deliveries / seconds),
      minReceived: Math.min(...perSubscriber),
      latency: p50p95(reports.flatMap((report) => report.latencies)),
      downtimes: Math.max(...reports.map((report) => report.downtimes)),
      writesPerEvent:
        beforeWrites === undefined || afterWrites === undefined ? null : (afterWrites - beforeWrites) / count,
    };
  };

  const close = async () => {
    await prober.terminate();
    for (const worker of workers) worker.postMessage({ close: true });
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise((resolve) => {
            worker.once("exit", resolve);
            setTimeout(() => void worker.terminate(), 2000).unref();
          }),
      ),
    );
    await hub.close();
    await emu.close();
  };
  return { emu, hub, round, probeWhile, close };
}

async function main() {
  const { values } = parseArgs({
    options: {
      subscribers: { type: "string", default: "100" },
      threads: { type: "string", default: "4" },
      burst: { type: "string", default: "3000" },
      paced: { type: "string", default: "500" },
      rate: { type: "string", default: "100" },
      "heartbeat-burst": { type: "string", default: "10000" },
      save: { type: "string" },
    },
  });
  const subscribers = Number(values.subscribers);
  const threads = Math.max(1, Math.min(subscribers, Number(values.threads)));
  const burst = Number(values.burst);
  const paced = Number(values.paced);
  const rate = Number(values.rate);
  const heartbeatBurst = Number(values["heartbeat-burst"]);

  const main = await rig({ emulatorOptions: {}, subscribers, threads });
  /** @type {Record<string, unknown>} */
  const figures = {};
  try {
    await main.round(50, 0);
    const burstRound = main.round(burst, 0);
    const [b, probed] = await Promise.all([burstRound, main.probeWhile(burstRound)]);
    const statusMs = probed.statusMs;
    const subscribeMs = probed.subscribeMs;
    figures.burstDeliveriesPerSecond = b.deliveriesPerSecond;
    figures.burstSeconds = b.seconds;
    figures.burstMinReceived = b.minReceived;
    figures.statusP50 = p50p95(statusMs).p50;
    figures.statusP95 = p50p95(statusMs).p95;
    figures.statusSamples = statusMs.length;
    figures.subscribeP50 = p50p95(subscribeMs).p50;
    figures.subscribeP95 = p50p95(subscribeMs).p95;
    figures.subscribeSamples = subscribeMs.length;
    figures.probeFailures = probed.failures;
    figures.writesPerEvent = b.writesPerEvent;
    const p = await main.round(paced, Math.max(1, Math.round(1000 / rate)));
    figures.pacedP50 = p.latency.p50;
    figures.pacedP95 = p.latency.p95;
    figures.pacedWritesPerEvent = p.writesPerEvent;
    figures.upstreamConnectionsAfter = (await main.emu.control.state()).connections.length;
  } finally {
    await main.close();
  }

  const beat = await rig({ emulatorOptions: { pingInterval: 1000, pingTimeout: 500 }, subscribers, threads });
  try {
    const h = await beat.round(heartbeatBurst, 0, 15_000);
    const { counters } = await beat.emu.control.state();
    figures.heartbeatPingTimeouts = counters.pingTimeouts;
    figures.heartbeatMinReceived = h.minReceived;
    figures.heartbeatDowntimes = h.downtimes;
    figures.heartbeatSeconds = h.seconds;
  } finally {
    await beat.close();
  }

  if (values.save) await writeFile(values.save, `${JSON.stringify(figures, null, 2)}\n`);
  const before = JSON.parse(
    await readFile(new URL("./hub-fanout.before.json", import.meta.url), "utf8").catch(() => "{}"),
  );
  /** @param {string} key */
  const show = (key) => {
    const value = /** @type {Record<string, unknown>} */ (before)[key];
    return value === undefined || value === null
      ? "n/a"
      : typeof value === "number"
        ? Math.round(value * 100) / 100
        : value;
  };
  /** @param {unknown} value */
  const now = (value) =>
    value === null || value === undefined ? "n/a" : typeof value === "number" ? Math.round(value * 100) / 100 : value;
  /** @type {[string, string, string][]} */
  const rows = [
    [`burst ${burst} → ${subscribers}: deliveries/s`, "burstDeliveriesPerSecond", "≥ 40,000"],
    ["  seconds until every subscriber had it", "burstSeconds", ""],
    ["  GET /status during it, p50 ms", "statusP50", ""],
    ["  GET /status during it, p95 ms", "statusP95", "≤ 100"],
    ["  new subscription until live, p50 ms", "subscribeP50", ""],
    ["  new subscription until live, p95 ms", "subscribeP95", "≤ 100"],
    ["  GET /status answers during it", "statusSamples", ""],
    ["  new subscriptions during it", "subscribeSamples", ""],
    ["  probes that failed (connection closed by workerd)", "probeFailures", "0"],
    ["  storage writes per event", "writesPerEvent", "≤ 1.2"],
    [`paced ${rate}/s → ${subscribers}: latency p50 ms`, "pacedP50", ""],
    ["  latency p95 ms", "pacedP95", "≤ 50"],
    ["  storage writes per event", "pacedWritesPerEvent", "≤ 1.2"],
    [`burst ${heartbeatBurst}, heartbeat 1 s / 0.5 s: ping timeouts`, "heartbeatPingTimeouts", "0"],
    ["  events every subscriber got", "heartbeatMinReceived", `${heartbeatBurst}`],
    ["  downtime notices", "heartbeatDowntimes", "0"],
  ];
  console.log(`Crisp RTM hub under load: ${subscribers} subscribers (${threads} threads), Node ${process.version}`);
  console.table(
    Object.fromEntries(rows.map(([label, key, goal]) => [label, { before: show(key), now: now(figures[key]), goal }])),
  );
}

if (isMainThread) {
  // An overloaded hub can make Miniflare's own connections fail; report it and go on measuring.
  process.on("uncaughtException", (error) => console.error("uncaught:", error));
}
if (!isMainThread && workerData.role === "prober") proberThread(workerData);
else if (!isMainThread) probeThread(workerData);
else if (typeof WebSocket !== "function") rerunWithWebSocket();
else await main();
