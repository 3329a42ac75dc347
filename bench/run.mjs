// @ts-check
/**
 * `npm run bench`: crisp-rtm side by side with socket.io-client, a raw WebSocket client and the official
 * crisp-api, against the local emulator (plaintext, 127.0.0.1), in one run:
 *   size        bundle sizes (scripts/size.mjs)
 *   throughput  events/s received and dispatched, Chromium, Deno, workerd and Node (bench/harness.js)
 *   latency     new CrispRTM() → authenticated, discovery included (Chromium, Node) vs crisp-api (Node)
 *   recovery    emulator RTM restart (500 ms down) → next delivered event
 *   memory      heap per idle connected client, heap growth after 10,000 events (Node, --expose-gc)
 *   cpu         client cost per event without a network (fake WebSocket feeding frames; Node)
 *   cpu-chromium  the same in Chromium's V8 (bench/fake-socket.js in the page; renderer CPU time per event):
 *               there the real-socket throughput of all three clients meets Chromium's own WebSocket delivery
 *               ceiling, so they tie; this tells their JavaScript apart
 * Prints a table per benchmark (medians of several runs, ratios) and a summary; writes the figures to
 * .cache/bench/results.json. Figures, not assertions: it is not part of `npm test`.
 * `node bench/run.mjs --only size,throughput,cpu (or cpu-node),cpu-chromium,latency,recovery,memory,recovery-rest` runs a subset; `--quick` fewer runs and
 * events; `--runtimes chromium,deno,workerd,node` and `--kinds crisp-rtm,socket.io-client,raw` narrow throughput.
 *
 * Throughput method: each client connects through bench/relay.js (a TCP relay in front of the emulator's RTM
 * port), the relay holds what the server sends while the emulator floods, then releases it at once; the client
 * times its listener from the first event to the last. So the figure is what the client and its runtime's
 * WebSocket can drain, not the emulator's pace. One client at a time, kinds in rotated order, one warm-up round.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import puppeteer from "puppeteer-core";
import { startEmulator } from "../emulator/index.js";
import { measure as measureSize, GOAL as SIZE_GOAL } from "../scripts/size.mjs";
import { CHROMIUM_ARGS, chromiumPath } from "../test/support/chromium.js";
import { startRelay } from "./relay.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUT = path.join(ROOT, ".cache/bench");
const args = process.argv.slice(2);
const only = args.includes("--only") ? (args[args.indexOf("--only") + 1] ?? "").split(",") : undefined;
const quick = args.includes("--quick");
const wanted = (/** @type {string} */ name) => !only || only.includes(name);
const listArg = (/** @type {string} */ flag) =>
  args.includes(flag) ? (args[args.indexOf(flag) + 1] ?? "").split(",") : undefined;
/** `--runtimes chromium,deno,workerd,node` and `--kinds crisp-rtm,socket.io-client,raw` narrow the throughput runs. */
const runtimesArg = listArg("--runtimes");
const kindsArg = listArg("--kinds");
const runtimeWanted = (/** @type {string} */ name) => !runtimesArg || runtimesArg.includes(name);

/** How much each benchmark does. */
const PLAN = {
  // Events per run and runtime: Chromium drains ~25k events/s on a small VM, the others 100-300k/s, so each run
  // lasts a few hundred ms at least (Chromium's, ~2 s: its rate swings from one 100 ms to the next).
  throughput: {
    counts: quick
      ? { chromium: 5_000, deno: 5_000, workerd: 5_000, node: 5_000 }
      : { chromium: 50_000, deno: 50_000, workerd: 50_000, node: 50_000 },
    runs: quick ? 2 : 10,
    warmup: 1,
  },
  latency: { runs: quick ? 3 : 10 },
  recovery: { runs: quick ? 2 : 5, crispApiRuns: quick ? 1 : 3, downMs: 500 },
  memory: { clients: quick ? 10 : 50, events: 10_000, runs: quick ? 1 : 3 },
  cpu: { count: quick ? 20_000 : 100_000, runs: quick ? 3 : 11 },
  // Rounds in rotated order after `warmup` rounds that are not counted.
  cpuChromium: { count: quick ? 10_000 : 50_000, runs: quick ? 3 : 11, warmup: quick ? 1 : 2 },
};

/** Goals of issues 8 and 14 (size, per-event cost). */
const GOALS = { vsSocketIO: 1.0, vsRaw: 0.8, latencyVsCrispApi: 0.25, recoveryMs: 1500, sizeGzip: SIZE_GOAL };

// ── small helpers ───────────────────────────────────────────────────────────────────────────────────────────

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0
    ? NaN
    : sorted.length % 2
      ? /** @type {number} */ (sorted[mid])
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
/** @param {number} value @param {number} [digits] */
const fixed = (value, digits = 0) =>
  Number.isFinite(value)
    ? value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : "–";
/** @param {number} value */
const ratio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");
/**
 * Median of the per-round cost ratios `other / crisp-rtm` (the rounds run the clients back to back, so on a busy
 * machine this is steadier than a ratio of medians).
 * @param {number[]} ours @param {number[]} theirs
 */
const pairedRatio = (ours, theirs) =>
  median(ours.map((value, round) => (theirs[round] ?? NaN) / value).filter(Number.isFinite));

/**
 * Prints a markdown table.
 * @param {string} title
 * @param {string[]} head
 * @param {(string | number)[][]} rows
 */
function table(title, head, rows) {
  const cells = [head, ...rows.map((row) => row.map(String))];
  const widths = head.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  const line = (/** @type {string[]} */ row) =>
    `| ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(" | ")} |`;
  console.log(`\n### ${title}\n`);
  console.log(line(head));
  console.log(
    `| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(Math.max(1, w - 1))}:`)).join(" | ")} |`,
  );
  for (const row of cells.slice(1)) console.log(line(row));
}

/**
 * Runs a command; resolves with its stdout (stderr passes through). Rejects on a non-zero exit.
 * @param {string} command
 * @param {string[]} argv
 * @param {number} timeoutMs
 */
function capture(command, argv, timeoutMs) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stdout = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${command} ${argv.slice(0, 3).join(" ")} exited with ${code}: ${stdout.slice(-500)}`));
    });
  });
}

/** The last JSON line a child printed. @param {string} stdout */
const lastJson = (stdout) => JSON.parse(stdout.trim().split("\n").at(-1) ?? "null");

/**
 * Runs bench/node-child.mjs in a Node with a global WebSocket and gc().
 * @param {string} mode
 * @param {unknown} options
 */
async function nodeChild(mode, options) {
  const flags = [
    "--expose-gc",
    ...(Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : []),
  ];
  return lastJson(
    await capture(
      process.execPath,
      [...flags, "--no-warnings", "bench/node-child.mjs", mode, JSON.stringify(options)],
      240_000,
    ),
  );
}

// ── set-up ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Builds the browser bundle of socket.io-client every runtime loads, and makes sure dist/ exists. */
async function prepare() {
  mkdirSync(OUT, { recursive: true });
  if (!existsSync(path.join(ROOT, "dist/crisp-rtm.js"))) {
    console.log("dist/crisp-rtm.js is missing: building it (npm run build)…");
    await capture("npm", ["run", "--silent", "build"], 180_000);
  }
  await build({
    stdin: { contents: 'export { io } from "socket.io-client";', resolveDir: ROOT, loader: "js" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: path.join(OUT, "socket.io-client.js"),
    logLevel: "warning",
  });
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".map": "application/json",
};

/**
 * The bench's own HTTP service (CORS open): the page and the files it imports, plus the relay controls the
 * harness calls: POST /hold, /flood {count}, /release.
 * @param {Awaited<ReturnType<typeof startEmulator>>} emu
 * @param {Awaited<ReturnType<typeof startRelay>>} relay
 */
async function startBenchServer(emu, relay) {
  const server = createServer(async (req, res) => {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Headers", "content-type");
    res.setHeader("Cache-Control", "no-store");
    const url = new URL(req.url ?? "/", "http://bench.invalid");
    const json = (/** @type {number} */ status, /** @type {unknown} */ body) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    try {
      if (req.method === "OPTIONS") return void res.writeHead(204).end();
      if (req.method === "POST") {
        let text = "";
        for await (const chunk of req) text += chunk;
        const body = text ? JSON.parse(text) : {};
        if (url.pathname === "/hold") {
          relay.hold();
          return json(200, { holding: true });
        }
        if (url.pathname === "/release") return json(200, { released: relay.release() });
        if (url.pathname === "/flood") {
          const flood = await emu.control.flood({ event: "message:send", count: body.count });
          // The emulator has written everything; wait until the relay has received all of it.
          let held = -1;
          while (relay.heldBytes() !== held) {
            held = relay.heldBytes();
            await sleep(60);
          }
          return json(200, { ...flood, heldBytes: held });
        }
        return json(404, { error: "no such route" });
      }
      const file = path.join(ROOT, path.normalize(url.pathname));
      const allowed = ["bench/", "dist/", ".cache/bench/"].some((dir) => file.startsWith(path.join(ROOT, dir)));
      if (!allowed || !existsSync(file)) return json(404, { error: "not found" });
      res.writeHead(200, {
        "content-type": TYPES[/** @type {keyof typeof TYPES} */ (path.extname(file))] ?? "application/octet-stream",
      });
      res.end(readFileSync(file));
    } catch (error) {
      json(500, { error: String(error) });
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
  };
}

// ── the benchmarks ──────────────────────────────────────────────────────────────────────────────────────────

/** @type {Record<string, any>} */
const results = {
  date: new Date().toISOString(),
  machine: `${os.cpus()[0]?.model ?? "?"} ×${os.cpus().length}, ${os.platform()} ${os.release()}`,
  node: process.versions.node,
  plan: PLAN,
  goals: GOALS,
};

async function main() {
  const started = Date.now();
  await prepare();
  if (wanted("size")) results.size = await measureSize();

  const emu = await startEmulator({ connectionLimit: 10_000 });
  const relay = await startRelay({ host: "127.0.0.1", port: emu.rtmPort });
  const bench = await startBenchServer(emu, relay);
  const token = /** @type {{ identifier: string, key: string, websites: string[] }} */ (emu.tokens[0]);
  const relayUrl = `ws://127.0.0.1:${relay.port}${new URL(emu.rtmUrl).pathname}`;
  /** What harness.throughputSeries gets in `runtime`. @param {keyof typeof PLAN.throughput.counts} runtime */
  const throughputOptions = (runtime) => ({
    runs: PLAN.throughput.runs,
    warmup: PLAN.throughput.warmup,
    count: PLAN.throughput.counts[runtime],
    ...(kindsArg ? { kinds: kindsArg } : {}),
    relayUrl,
    benchUrl: bench.url,
    token: { identifier: token.identifier, key: token.key },
  });
  /** @type {import("puppeteer-core").Browser | undefined} */
  let browser;
  /** @type {Miniflare | undefined} */
  let mf;
  try {
    const needsBrowser =
      (wanted("throughput") && runtimeWanted("chromium")) || wanted("latency") || wanted("cpu-chromium");
    /** @type {import("puppeteer-core").Page | undefined} */
    let page;
    if (needsBrowser) {
      browser = await puppeteer.launch({
        executablePath: chromiumPath() || "/usr/bin/chromium",
        headless: true,
        protocolTimeout: 600_000,
        // Puppeteer's Network domain would have Chromium report every WebSocket frame over the DevTools protocol
        // (JSON, to this process): that doubled the CPU per received event and dwarfed the clients' own work.
        networkEnabled: false,
        args: [...CHROMIUM_ARGS, "--headless", "--js-flags=--expose-gc"],
      });
      page = await browser.newPage();
      page.on("pageerror", (error) => console.error("page error:", error));
      await page.goto(`${bench.url}/bench/page.html`);
      await page.waitForFunction(() => document.title === "ready", { timeout: 20_000 });
      results.chromium = await browser.version();
    }

    if (wanted("throughput")) {
      /** @type {Record<string, { runtime: string, samples: any[] }>} */
      const runtimes = {};
      if (runtimeWanted("chromium")) {
        console.log(
          `throughput: Chromium (${PLAN.throughput.runs} runs × ${PLAN.throughput.counts.chromium} events per client)…`,
        );
        runtimes.chromium = {
          runtime: results.chromium,
          samples: await /** @type {import("puppeteer-core").Page} */ (page).evaluate(
            (options) =>
              /** @type {any} */ (window).bench.harness.throughputSeries({
                ...options,
                lib: /** @type {any} */ (window).bench.lib,
                io: /** @type {any} */ (window).bench.io,
              }),
            throughputOptions("chromium"),
          ),
        };
      }
      if (runtimeWanted("deno")) {
        console.log("throughput: Deno…");
        runtimes.deno = lastJson(
          await capture(
            "npx",
            [
              "--no-install",
              "deno",
              "run",
              "-A",
              "--no-check",
              "--v8-flags=--expose-gc",
              "bench/deno.js",
              JSON.stringify(throughputOptions("deno")),
            ],
            240_000,
          ),
        );
      }
      if (runtimeWanted("workerd")) {
        console.log("throughput: workerd (Miniflare)…");
        await build({
          entryPoints: [path.join(ROOT, "bench/worker.js")],
          bundle: true,
          format: "esm",
          platform: "neutral",
          conditions: ["workerd", "worker", "browser"],
          target: "es2022",
          outfile: path.join(OUT, "worker.js"),
          logLevel: "warning",
        });
        mf = new Miniflare({ modules: true, scriptPath: path.join(OUT, "worker.js"), compatibilityDate: "2026-04-01" });
        await mf.ready;
        const response = await mf.dispatchFetch("http://bench.test/", {
          method: "POST",
          body: JSON.stringify(throughputOptions("workerd")),
        });
        const workerd = /** @type {{ ok: boolean, error?: string, samples: any[] }} */ (await response.json());
        if (!workerd.ok) throw new Error(`workerd: ${workerd.error}`);
        runtimes.workerd = { runtime: "workerd (Miniflare 4)", samples: workerd.samples };
        await mf.dispose();
        mf = undefined;
      }
      if (runtimeWanted("node")) {
        console.log("throughput: Node…");
        runtimes.node = await nodeChild("throughput", throughputOptions("node"));
      }
      results.throughput = {};
      for (const [name, { runtime, samples }] of Object.entries(runtimes)) {
        /** @type {Record<string, { median: number, min: number, max: number, samples: number[] }>} */
        const byKind = {};
        for (const kind of ["crisp-rtm", "socket.io-client", "raw"]) {
          const rates = samples.filter((s) => s.kind === kind).map((s) => s.rate);
          byKind[kind] = { median: median(rates), min: Math.min(...rates), max: Math.max(...rates), samples: rates };
        }
        const ours = byKind["crisp-rtm"]?.median ?? NaN;
        /** Median of the per-round ratios (each round runs the three clients back to back), steadier than a ratio of medians on a noisy machine. */
        const paired = (/** @type {string} */ other) =>
          median((byKind["crisp-rtm"]?.samples ?? []).map((rate, i) => rate / (byKind[other]?.samples[i] ?? NaN)));
        results.throughput[name] = {
          runtime,
          count: PLAN.throughput.counts[/** @type {keyof typeof PLAN.throughput.counts} */ (name)],
          ...byKind,
          vsSocketIO: ours / (byKind["socket.io-client"]?.median ?? NaN),
          vsRaw: ours / (byKind.raw?.median ?? NaN),
          vsSocketIOPaired: paired("socket.io-client"),
          vsRawPaired: paired("raw"),
          missingPayloads: samples.reduce((sum, s) => sum + s.missing, 0),
        };
      }
    }

    if (wanted("cpu") || wanted("cpu-node")) {
      console.log("cpu: Node (fake WebSocket)…");
      const { cpu: samples, wall } = await nodeChild("cpu", PLAN.cpu);
      results.cpu = Object.fromEntries(
        Object.entries(samples).map(([kind, values]) => [
          kind,
          { nsPerEvent: median(values), wallNsPerEvent: median(wall[kind] ?? []), samples: values },
        ]),
      );
    }

    if (wanted("cpu-chromium")) {
      const { count, runs, warmup } = PLAN.cpuChromium;
      console.log(`cpu: Chromium (fake WebSocket, ${runs} rounds × ${count} frames)…`);
      results.cpuChromium = await cpuChromium(
        /** @type {import("puppeteer-core").Browser} */ (browser),
        /** @type {import("puppeteer-core").Page} */ (page),
        { count, runs, warmup },
      );
    }

    if (wanted("latency")) {
      console.log("latency: Chromium…");
      const chromium = await /** @type {import("puppeteer-core").Page} */ (page).evaluate(
        async (options) => {
          const { harness, lib } = /** @type {any} */ (window).bench;
          const samples = [];
          for (let run = -1; run < options.runs; run += 1) {
            const ms = await harness.crispRTMLatency({ lib, restBase: options.restBase, token: options.token });
            if (run >= 0) samples.push(ms);
          }
          return samples;
        },
        { runs: PLAN.latency.runs, restBase: emu.restUrl, token: { identifier: token.identifier, key: token.key } },
      );
      console.log("latency: Node (crisp-rtm and crisp-api)…");
      const node = await nodeChild("latency", { runs: PLAN.latency.runs, restUrl: emu.restUrl, token });
      const api = median(node["crisp-api"]);
      results.latency = {
        "crisp-rtm (Chromium)": { median: median(chromium), samples: chromium, vsCrispApi: median(chromium) / api },
        "crisp-rtm (Node)": {
          median: median(node["crisp-rtm"]),
          samples: node["crisp-rtm"],
          vsCrispApi: median(node["crisp-rtm"]) / api,
        },
        "crisp-api (Node)": { median: api, samples: node["crisp-api"], vsCrispApi: 1 },
      };
    }

    if (browser) {
      await browser.close();
      browser = undefined;
    }

    if (wanted("recovery")) {
      console.log("recovery: Node (emulator restart, 500 ms down)…");
      const samples = await nodeChild("recovery", {
        ...PLAN.recovery,
        kinds: ["crisp-rtm", "socket.io-client", "crisp-api"],
        restUrl: emu.restUrl,
        rtmUrl: emu.rtmUrl,
        controlUrl: emu.controlUrl,
        token,
      });
      results.recovery = Object.fromEntries(
        Object.entries(samples).map(([kind, values]) => [
          kind,
          { median: median(values), min: Math.min(...values), max: Math.max(...values), samples: values },
        ]),
      );
    }

    if (wanted("memory")) {
      console.log(`memory: Node (${PLAN.memory.clients} idle clients; ${PLAN.memory.events} events)…`);
      const memory = await nodeChild("memory", {
        ...PLAN.memory,
        restUrl: emu.restUrl,
        rtmUrl: emu.rtmUrl,
        controlUrl: emu.controlUrl,
        token,
      });
      results.memory = Object.fromEntries(
        Object.entries(memory).map(([kind, { idle, growth, steady }]) => [
          kind,
          {
            idlePerClient: median(idle),
            growthAfterEvents: median(growth),
            growthNextEvents: median(steady),
            idleSamples: idle,
            growthSamples: growth,
            steadySamples: steady,
          },
        ]),
      );
    }
  } finally {
    await browser?.close();
    await mf?.dispose();
    await bench.close();
    await relay.close();
    await emu.close();
  }
  results.elapsedSeconds = Math.round((Date.now() - started) / 1000);
  report();
  writeFileSync(path.join(OUT, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nfigures written to .cache/bench/results.json (${results.elapsedSeconds} s)`);
}

/**
 * Client cost per event in Chromium without a network: bench/fake-socket.js in the page feeds `count` frames to
 * each client (and to JSON.parse alone, "raw"); rounds in rotated order, `warmup` rounds first, gc() before each
 * run. The figure is the renderer main thread's CPU time over the run (/proc/<pid>/schedstat, Linux), or the
 * page's wall time where /proc cannot tell; the wall time is kept either way.
 * @param {import("puppeteer-core").Browser} browser
 * @param {import("puppeteer-core").Page} page
 * @param {{ count: number, runs: number, warmup: number }} plan
 */
async function cpuChromium(browser, page, { count, runs, warmup }) {
  await page.evaluate(async () => {
    const w = /** @type {any} */ (window);
    const { fakeSocketCost } = await import(/** @type {string} */ ("/bench/fake-socket.js"));
    w.cpuBench = await fakeSocketCost({ lib: w.bench.lib });
  });
  // The renderer processes' ids, as Chromium tells them, and the CPU time their main threads have used.
  const cdp = await browser.target().createCDPSession();
  /** @type {{ processInfo: { type: string, id: number }[] }} */
  const info = /** @type {any} */ (await cdp.send("SystemInfo.getProcessInfo"));
  await cdp.detach();
  let renderers = info.processInfo.filter((p) => p.type === "renderer").map((p) => p.id);
  const readable = (/** @type {number} */ pid) => existsSync(`/proc/${pid}/schedstat`);
  if (!renderers.some(readable)) {
    // Another PID namespace: the renderers as /proc sees them.
    renderers = readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .map(Number)
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, "utf8").includes("--type=renderer");
        } catch {
          return false;
        }
      });
  }
  const cpuNs = () =>
    renderers.reduce((sum, pid) => {
      try {
        return sum + Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        return sum;
      }
    }, 0);
  const clock = renderers.length > 0 && cpuNs() > 0 ? "renderer CPU" : "wall";
  const kinds = ["crisp-rtm", "socket.io-client", "raw"];
  /** @type {Record<string, { cpu: number[], wall: number[] }>} */
  const samples = Object.fromEntries(kinds.map((kind) => [kind, { cpu: [], wall: [] }]));
  for (let round = -warmup; round < runs; round += 1) {
    const shift = ((round % kinds.length) + kinds.length) % kinds.length;
    for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
      await page.evaluate((k) => /** @type {any} */ (window).cpuBench.open(k), kind);
      const before = cpuNs();
      const ms = await page.evaluate((n) => /** @type {any} */ (window).cpuBench.run(n), count);
      const used = cpuNs() - before;
      // Throws unless the listener got exactly `count` events.
      await page.evaluate((n) => /** @type {any} */ (window).cpuBench.close(n), count);
      if (round >= 0) {
        samples[kind]?.cpu.push(used / count);
        samples[kind]?.wall.push((ms * 1e6) / count);
      }
    }
  }
  return {
    clock,
    count,
    ...Object.fromEntries(
      Object.entries(samples).map(([kind, { cpu, wall }]) => {
        const figures = clock === "wall" ? wall : cpu;
        return [
          kind,
          {
            nsPerEvent: median(figures),
            min: Math.min(...figures),
            max: Math.max(...figures),
            wallNsPerEvent: median(wall),
            samples: figures,
            wallSamples: wall,
          },
        ];
      }),
    ),
  };
}

/** Prints every table and the summary. */
function report() {
  console.log(
    `\n## crisp-rtm benchmarks — ${results.date}\n\n${results.machine}; Node ${results.node}${results.chromium ? `; ${results.chromium}` : ""}`,
  );
  /** @type {(string | number)[][]} */
  const summary = [];
  const met = (/** @type {boolean} */ ok) => (ok ? "yes" : "**no**");

  if (results.size) {
    const { ours, socketIoClient, ratio: sizeRatio } = results.size;
    table(
      "Size (min + gzip, level 9)",
      ["bundle", "min (B)", "gzip (B)", "vs socket.io-client"],
      [
        [
          "crisp-rtm client, file `dist/crisp-rtm.js` (all included)",
          fixed(ours.min),
          fixed(ours.gzip),
          ratio(sizeRatio),
        ],
        .../** @type {const} */ ([
          ["crisp-rtm client, esbuild `import { CrispRTM }`", "clientImport"],
          ["crisp-rtm client, esbuild `export *`", "clientAll"],
          ["crisp-rtm/webhook `dist/webhook.js` (optional entry)", "webhook"],
          ["crisp-rtm/fetch-websocket (optional entry)", "fetchWebSocket"],
        ]).map(([label, key]) => [
          label,
          fixed(results.size[key].min),
          fixed(results.size[key].gzip),
          ratio(results.size[key].gzip / socketIoClient.gzip),
        ]),
        ["socket.io-client bare `io` (esbuild)", fixed(socketIoClient.min), fixed(socketIoClient.gzip), ratio(1)],
      ],
    );
    summary.push([
      `size ≤ ${fixed(GOALS.sizeGzip)} B gzip (largest client measure)`,
      `${fixed(results.size.largest)} B`,
      met(results.size.largest <= GOALS.sizeGzip),
    ]);
  }

  if (results.throughput) {
    table(
      `Throughput overview (events/s received and dispatched, medians of ${PLAN.throughput.runs} runs; "paired" = median of the per-round ratios)`,
      [
        "runtime",
        "crisp-rtm",
        "socket.io-client",
        "raw WebSocket",
        "vs socket.io-client",
        "paired",
        "vs raw",
        "paired",
      ],
      Object.values(results.throughput).map((f) => [
        f.runtime,
        fixed(f["crisp-rtm"].median),
        fixed(f["socket.io-client"].median),
        fixed(f.raw.median),
        ratio(f.vsSocketIO),
        ratio(f.vsSocketIOPaired),
        ratio(f.vsRaw),
        ratio(f.vsRawPaired),
      ]),
    );
    for (const [name, figures] of Object.entries(results.throughput)) {
      table(
        `Throughput, ${figures.runtime} (events/s, ${figures.count.toLocaleString("en-US")} events per run, median of ${PLAN.throughput.runs})`,
        ["client", "median", "min", "max", "vs socket.io-client", "vs raw"],
        ["crisp-rtm", "socket.io-client", "raw"].map((kind) => {
          const f = figures[kind];
          return [
            kind === "raw" ? "raw WebSocket + JSON.parse" : kind,
            fixed(f.median),
            fixed(f.min),
            fixed(f.max),
            ratio(f.median / figures["socket.io-client"].median),
            ratio(f.median / figures.raw.median),
          ];
        }),
      );
      summary.push([
        `throughput ${name}: ≥ 1.0× socket.io-client (medians; paired)`,
        `${ratio(figures.vsSocketIO)}; ${ratio(figures.vsSocketIOPaired)}`,
        met(figures.vsSocketIO >= GOALS.vsSocketIO && figures.vsSocketIOPaired >= GOALS.vsSocketIO),
      ]);
      summary.push([
        `throughput ${name}: ≥ 0.8× raw (medians; paired)`,
        `${ratio(figures.vsRaw)}; ${ratio(figures.vsRawPaired)}`,
        met(figures.vsRaw >= GOALS.vsRaw && figures.vsRawPaired >= GOALS.vsRaw),
      ]);
    }
  }

  if (results.cpu) {
    const f = results.cpu;
    table(
      `Client cost without a network (Node; a fake WebSocket feeds ${PLAN.cpu.count.toLocaleString("en-US")} frames, 64 KiB at a time; process CPU time, median of ${PLAN.cpu.runs})`,
      ["client", "ns per event", "wall ns per event", "events/s (CPU only)", "vs socket.io-client", "paired", "vs raw"],
      ["crisp-rtm", "socket.io-client", "raw"].map((kind) => [
        kind === "raw" ? "raw (JSON.parse only)" : kind,
        fixed(f[kind].nsPerEvent),
        fixed(f[kind].wallNsPerEvent),
        fixed(1e9 / f[kind].nsPerEvent),
        ratio(f["socket.io-client"].nsPerEvent / f[kind].nsPerEvent),
        ratio(pairedRatio(f[kind].samples, f["socket.io-client"].samples)),
        ratio(f.raw.nsPerEvent / f[kind].nsPerEvent),
      ]),
    );
    const vsSocketIO = f["socket.io-client"].nsPerEvent / f["crisp-rtm"].nsPerEvent;
    const vsSocketIOPaired = pairedRatio(f["crisp-rtm"].samples, f["socket.io-client"].samples);
    summary.push([
      "throughput node (CPU only): ≥ 1.0× socket.io-client (medians; paired)",
      `${ratio(vsSocketIO)}; ${ratio(vsSocketIOPaired)}`,
      met(vsSocketIO >= GOALS.vsSocketIO && vsSocketIOPaired >= GOALS.vsSocketIO),
    ]);
  }

  if (results.cpuChromium) {
    const f = results.cpuChromium;
    const cpuClock = f.clock !== "wall";
    table(
      `Client cost without a network (${results.chromium ?? "Chromium"}; a fake WebSocket in the page feeds ${f.count.toLocaleString("en-US")} frames, 64 KiB at a time; ${cpuClock ? "renderer main-thread CPU" : "wall time"}, median of ${PLAN.cpuChromium.runs})`,
      [
        "client",
        "ns per event",
        "min",
        "max",
        ...(cpuClock ? ["wall ns per event"] : []),
        "events/s (CPU only)",
        "vs socket.io-client",
        "paired",
        "vs raw",
      ],
      ["crisp-rtm", "socket.io-client", "raw"].map((kind) => [
        kind === "raw" ? "raw (JSON.parse only)" : kind,
        fixed(f[kind].nsPerEvent),
        fixed(f[kind].min),
        fixed(f[kind].max),
        ...(cpuClock ? [fixed(f[kind].wallNsPerEvent)] : []),
        fixed(1e9 / f[kind].nsPerEvent),
        ratio(f["socket.io-client"].nsPerEvent / f[kind].nsPerEvent),
        ratio(pairedRatio(f[kind].samples, f["socket.io-client"].samples)),
        ratio(f.raw.nsPerEvent / f[kind].nsPerEvent),
      ]),
    );
    const vsSocketIO = f["socket.io-client"].nsPerEvent / f["crisp-rtm"].nsPerEvent;
    const vsSocketIOPaired = pairedRatio(f["crisp-rtm"].samples, f["socket.io-client"].samples);
    const vsRaw = f.raw.nsPerEvent / f["crisp-rtm"].nsPerEvent;
    // Next to the real-socket Chromium rows when there are some.
    let at = summary.length;
    for (const [index, row] of summary.entries()) if (String(row[0]).startsWith("throughput chromium:")) at = index + 1;
    summary.splice(
      at,
      0,
      [
        "throughput chromium (CPU only): ≥ 1.0× socket.io-client (medians; paired)",
        `${ratio(vsSocketIO)}; ${ratio(vsSocketIOPaired)}`,
        met(vsSocketIO >= GOALS.vsSocketIO && vsSocketIOPaired >= GOALS.vsSocketIO),
      ],
      ["throughput chromium (CPU only): ≥ 0.8× raw", ratio(vsRaw), met(vsRaw >= GOALS.vsRaw)],
    );
  }

  if (results.latency) {
    table(
      `Connection latency (ms, new client → authenticated, discovery included, median of ${PLAN.latency.runs})`,
      ["client", "median", "min", "max", "vs crisp-api"],
      Object.entries(results.latency).map(([name, f]) => [
        name,
        fixed(f.median, 1),
        fixed(Math.min(...f.samples), 1),
        fixed(Math.max(...f.samples), 1),
        ratio(f.vsCrispApi),
      ]),
    );
    for (const name of ["crisp-rtm (Chromium)", "crisp-rtm (Node)"]) {
      const f = results.latency[name];
      summary.push([
        `latency ${name}: ≤ 0.25× crisp-api`,
        ratio(f.vsCrispApi),
        met(f.vsCrispApi <= GOALS.latencyVsCrispApi),
      ]);
    }
  }

  if (results.recovery) {
    table(
      `Recovery (ms, RTM restart with ${PLAN.recovery.downMs} ms down → next delivered event, Node)`,
      ["client", "median", "min", "max", "runs"],
      Object.entries(results.recovery).map(([kind, f]) => [
        kind,
        fixed(f.median),
        fixed(f.min),
        fixed(f.max),
        f.samples.length,
      ]),
    );
    const ours = results.recovery["crisp-rtm"];
    if (ours)
      summary.push(["recovery ≤ 1,500 ms median", `${fixed(ours.median)} ms`, met(ours.median <= GOALS.recoveryMs)]);
  }

  if (results.memory) {
    const events = PLAN.memory.events.toLocaleString("en-US");
    table(
      `Memory (Node JS heap after gc, medians of ${PLAN.memory.runs})`,
      [
        "client",
        `per idle client (${PLAN.memory.clients} connected)`,
        `growth after its first ${events} events`,
        `growth over the next ${events}`,
      ],
      Object.entries(results.memory).map(([kind, f]) => [
        kind,
        `${fixed(f.idlePerClient / 1024, 1)} KB`,
        `${fixed(f.growthAfterEvents / 1024, 1)} KB`,
        `${fixed(f.growthNextEvents / 1024, 1)} KB`,
      ]),
    );
  }

  table("Summary (goals of issues 8 and 14)", ["goal", "measured", "met"], summary);
}

await main();
// Issue 19's recovery over REST (bench/recovery-rest.mjs): requests and time to read back missed messages.
if (wanted("recovery-rest"))
  (await import("./recovery-rest.mjs")).printRecoveryRest(
    await (await import("./recovery-rest.mjs")).benchRecoveryRest({ runs: quick ? 2 : 5 }),
  );
process.exit(0);
