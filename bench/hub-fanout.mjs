// @ts-check
/**
 * Fan-out benchmark of the Durable Object hub (demo/worker) in workerd (Miniflare) against the Crisp emulator.
 * 100 subscribers (browser-style: each with its own ticket, spread over worker threads so the receiving side
 * is not the bottleneck), then (1) a burst: the emulator floods events as fast as it can; (2) a paced run at
 * a steady rate. Prints the events/s delivered (all subscribers together, and per subscriber) and the fan-out
 * latency (emulator send time → subscriber receive time: median, p95, max). Needs `npm run build` first.
 *
 *   node bench/hub-fanout.mjs [--subscribers 100] [--threads 4] [--burst 1000] [--paced 500] [--rate 100]
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

/** @typedef {{ type: "opened" } | { type: "done", received: number[], latencies: number[], lastAt: number }} ProbeReport */

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
  let received = [];
  /** @type {number[]} */
  let latencies = [];
  const report = () => {
    if (received.every((count) => count >= expected)) {
      port.postMessage({ type: "done", received, latencies, lastAt });
      expected = Infinity;
    }
  };
  const sockets = urls.map((url, index) => {
    const socket = new WebSocket(url);
    socket.addEventListener("message", (event) => {
      const now = Date.now();
      const message = JSON.parse(String(event.data));
      if (message.type !== "event") return;
      received[index] = (received[index] ?? 0) + 1;
      lastAt = now;
      latencies.push(now - message.payload.timestamp);
      if (received[index] === expected) report();
    });
    return new Promise((resolve, reject) => {
      socket.addEventListener("open", () => resolve(socket));
      socket.addEventListener("error", () => reject(new Error("a subscriber socket failed")));
    });
  });
  port.on("message", (/** @type {{ expect?: number, close?: boolean }} */ command) => {
    if (command.close) {
      void Promise.all(sockets)
        .then((all) => {
          for (const socket of all) socket.close(1000, "done");
        })
        .then(() => process.exit(0));
      return;
    }
    received = urls.map(() => 0);
    latencies = [];
    lastAt = 0;
    expected = command.expect ?? Infinity;
  });
  void Promise.all(sockets).then(() => port.postMessage({ type: "opened" }));
}

/** @param {number[]} sorted @param {number} q */
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Node 20 has no global WebSocket without a flag: runs this script again with it. */
function rerunWithWebSocket() {
  if (process.execArgv.includes("--experimental-websocket")) throw new Error("no global WebSocket even with --experimental-websocket");
  const child = spawn(process.execPath, ["--experimental-websocket", ...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  child.on("exit", (code) => process.exit(code ?? 1));
}

async function main() {
  const { startEmulator } = await import("../emulator/index.js");
  const { eventually, startHub } = await import("../test/hub/harness.js");
  const { values } = parseArgs({
    options: {
      subscribers: { type: "string", default: "100" },
      threads: { type: "string", default: "4" },
      burst: { type: "string", default: "1000" },
      paced: { type: "string", default: "500" },
      rate: { type: "string", default: "100" },
    },
  });
  const subscribers = Number(values.subscribers);
  const threads = Math.max(1, Math.min(subscribers, Number(values.threads)));

  const emu = await startEmulator({});
  const hub = await startHub({ emu, vars: { HUB_LOG_SIZE: "1000" } });
  /** @type {Worker[]} */
  const workers = [];
  try {
    const base = (await hub.mf.ready).href.replace(/^http/, "ws");
    const urls = [];
    for (let i = 0; i < subscribers; i += 1) {
      const { body } = await hub.request("/ticket", { body: {} });
      urls.push(`${base}events?ticket=${encodeURIComponent(body.ticket)}`);
    }
    for (let t = 0; t < threads; t += 1) {
      workers.push(new Worker(new URL(import.meta.url), { workerData: { urls: urls.filter((_, i) => i % threads === t) } }));
    }
    /** @param {"opened" | "done"} type @returns {Promise<ProbeReport[]>} */
    const fromAll = (type) =>
      Promise.all(workers.map((worker) => new Promise((resolve) => {
        const onMessage = (/** @type {ProbeReport} */ report) => {
          if (report.type !== type) return;
          worker.off("message", onMessage);
          resolve(report);
        };
        worker.on("message", onMessage);
      })));
    await fromAll("opened");
    await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream");
    await eventually(async () => (await hub.status()).subscribers === subscribers, "every subscriber");
    const website = emu.tokens[0]?.websites[0];

    /** @param {number} count @param {number} intervalMs */
    const round = async (count, intervalMs) => {
      const done = fromAll("done");
      for (const worker of workers) worker.postMessage({ expect: count });
      const started = Date.now();
      await emu.control.flood({ event: "message:send", count, website_id: website, intervalMs });
      const reports = /** @type {Extract<ProbeReport, { type: "done" }>[]} */ (await done);
      const seconds = (Math.max(...reports.map((report) => report.lastAt)) - started) / 1000;
      const latencies = reports.flatMap((report) => report.latencies).sort((a, b) => a - b);
      return {
        events: count,
        "delivered/s (all)": Math.round((count * subscribers) / seconds),
        "events/s per subscriber": Math.round(count / seconds),
        "median latency ms": quantile(latencies, 0.5),
        "p95 latency ms": quantile(latencies, 0.95),
        "max latency ms": latencies.at(-1) ?? NaN,
      };
    };

    await round(50, 0);
    const burst = Number(values.burst);
    const paced = Number(values.paced);
    const rate = Number(values.rate);
    const rows = {
      [`burst: ${burst} as fast as possible`]: await round(burst, 0),
      [`paced: ${paced} at ~${rate}/s`]: await round(paced, Math.max(1, Math.round(1000 / rate))),
    };
    const { connections } = await emu.control.state();
    console.log(`Crisp RTM hub fan-out: ${subscribers} subscribers (${threads} threads), ${connections.length} upstream connection(s), Node ${process.version}`);
    console.table(rows);
    for (const worker of workers) worker.postMessage({ close: true });
  } finally {
    await Promise.all(workers.map((worker) => new Promise((resolve) => {
      worker.once("exit", resolve);
      setTimeout(() => void worker.terminate(), 2000).unref();
    })));
    await hub.close();
    await emu.close();
  }
}

if (!isMainThread) probeThread(workerData);
else if (typeof WebSocket !== "function") rerunWithWebSocket();
else await main();
