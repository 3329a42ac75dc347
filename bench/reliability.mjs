// @ts-check
/**
 * Reliability figures (`npm run bench:reliability`), against the local emulator, printed as a table and written
 * to .cache/bench/reliability.json:
 *   - politeness: one client (default options) during a 60 s outage of the relay (REST up), and of REST + relay:
 *     connection attempts (the emulator's tcpLog) and REST discoveries (its restLog); time to recover afterwards;
 *   - herd: 200 clients (default options) in one Node process lose the relay together for 60 s: attempts per second
 *     the emulator saw over that minute (max, distribution), then time until all are back;
 *   - no loss: a 10,000-event flood at full speed (fingerprints contiguous), and a stream cut by a drop (one gap,
 *     inside the downtime that `rtm:ready` reports);
 *   - leaks: test/unit/leak-probe.js figures (1,000 drop/reconnect cycles, 1,000 on/off pairs, 50 clients), without
 *     V8's optimizing compilers (what the test asserts: data only) and with them (compiled code included);
 *   - hostile input: test/unit/hostile-frames.test.js figures (≥ 100,000 frames).
 * The three outage runs go in parallel (each with its own emulator), so the whole script takes about 2 minutes.
 * OUTAGE_MS and HERD override the outage length and the herd size.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/index.js";
import { buildLibrary } from "../test/support/build-library.js";
import { describeLeakReport, NO_JIT, runLeakProbe } from "../test/unit/leak-probe-runner.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const LIB = `${ROOT}.cache/bench/crisp-rtm.js`;
const OUT = `${ROOT}.cache/bench/reliability.json`;
const CHILD = fileURLToPath(new URL("./client-child.mjs", import.meta.url));
const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 60_000);
const HERD = Number(process.env.HERD ?? 200);
const WS_FLAGS = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : [];
/** The client's default `reconnect.stableAfterMs`: a session older than this is a long-lived one. */
const STABLE_MS = 5000;

/** @typedef {Awaited<ReturnType<typeof startEmulator>>} Emulator */
/** @typedef {Record<string, any>} Line */

/** A child running client-child.mjs; its stdout lines are parsed as JSON. */
class Child {
  /** @param {Record<string, unknown>} options */
  constructor(options) {
    /** @type {Line[]} */
    this.lines = [];
    /** @type {Set<() => void>} */
    this.watchers = new Set();
    this.process = spawn(
      process.execPath,
      [...WS_FLAGS, "--no-warnings", CHILD, JSON.stringify({ lib: LIB, ...options })],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    let buffer = "";
    this.process.stdout.setEncoding("utf8");
    this.process.stdout.on("data", (chunk) => {
      buffer += chunk;
      for (let at = buffer.indexOf("\n"); at >= 0; at = buffer.indexOf("\n")) {
        const line = JSON.parse(buffer.slice(0, at));
        buffer = buffer.slice(at + 1);
        if (line.type === "error") console.error(`client child: ${line.message}`);
        this.lines.push(line);
        for (const watch of [...this.watchers]) watch();
      }
    });
    this.exited = new Promise((resolve) => this.process.on("close", resolve));
  }

  /**
   * Resolves once `count` lines match `predicate`.
   * @param {(line: Line) => boolean} predicate
   * @param {number} timeoutMs
   * @param {number} [count]
   * @returns {Promise<Line[]>}
   */
  waitFor(predicate, timeoutMs, count = 1) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const matched = this.lines.filter(predicate);
        if (matched.length >= count) {
          this.watchers.delete(check);
          clearTimeout(timer);
          resolve(matched);
        }
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.watchers.add(check);
      check();
    });
  }

  /** @param {string} text */
  send(text) {
    this.process.stdin.write(`${text}\n`);
  }
}

/** @param {Emulator} emu @param {Record<string, unknown>} extra */
function childOptions(emu, extra) {
  const [token] = emu.tokens;
  if (!token) throw new Error("no token");
  return {
    restUrl: emu.restUrl,
    controlUrl: emu.controlUrl,
    identifier: token.identifier,
    key: token.key,
    website: token.websites[0],
    clientOptions: {},
    ...extra,
  };
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : (sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN);
}

/**
 * Attempts a client started in [from, to): an attempt begins with `discovering` (it re-discovers) or with a
 * `connecting` that no `discovering` just preceded.
 * @param {{ at: number, state: string }[]} states
 * @param {number} from
 * @param {number} to
 */
function attemptsIn(states, from, to) {
  let count = 0;
  states.forEach((entry, i) => {
    const starts = entry.state === "discovering" || states[i - 1]?.state !== "discovering";
    if (starts && entry.at >= from && entry.at < to) count += 1;
  });
  return count;
}

/**
 * Per-second counts of `times` over [from, from + ms).
 * @param {number[]} times
 * @param {number} from
 * @param {number} ms
 */
function perSecond(times, from, ms) {
  const buckets = new Array(Math.ceil(ms / 1000)).fill(0);
  for (const t of times) if (t >= from && t < from + ms) buckets[Math.floor((t - from) / 1000)] += 1;
  return buckets;
}

/**
 * `count` clients with default options, ready for longer than `stableAfterMs`, lose the relay (and REST when
 * `restDown`) for OUTAGE_MS; then the relay comes back.
 * @param {{ count: number, restDown: boolean }} run
 */
async function outage({ count, restDown }) {
  const emu = await startEmulator({ connectionLimit: 10_000 });
  const child = new Child(childOptions(emu, { mode: "clients", count }));
  try {
    await child.waitFor((l) => l.type === "connected", 120_000);
    await sleep(STABLE_MS + 500);
    await emu.control.reset();
    await emu.control.refuse({ mode: "reset" });
    if (restDown) await emu.control.restMode({ mode: "503" });
    const t0 = Date.now();
    await emu.control.drop();
    await sleep(t0 + OUTAGE_MS - Date.now());
    const state = await emu.control.state();
    await emu.control.refuse({ mode: "off" });
    if (restDown) await emu.control.restMode({ mode: "ok" });
    const released = Date.now();
    const readies = await child.waitFor((l) => l.type === "ready" && l.reconnected, 60_000, count);
    const backAfter = readies.map((l) => l.at - released);
    child.send("summary");
    const [summary] = await child.waitFor((l) => l.type === "summary", 30_000);
    await child.exited;
    const tcp = state.tcpLog.filter((t) => t >= t0 && t < t0 + OUTAGE_MS);
    const rest = state.restLog.filter((r) => r.at >= t0 && r.at < t0 + OUTAGE_MS).map((r) => r.at);
    const attempts = /** @type {{ at: number, state: string }[][]} */ (summary?.attempts ?? []).map((states) =>
      attemptsIn(states, t0, t0 + OUTAGE_MS),
    );
    return {
      clients: count,
      outageMs: OUTAGE_MS,
      restDown,
      tcpConnections: tcp.length,
      restDiscoveries: rest.length,
      clientAttempts: attempts.reduce((a, b) => a + b, 0),
      maxClientAttempts: Math.max(...attempts),
      tcpPerSecond: perSecond(tcp, t0, OUTAGE_MS),
      restPerSecond: perSecond(rest, t0, OUTAGE_MS),
      tcpOffsetsMs: count === 1 ? tcp.map((t) => t - t0) : undefined,
      restOffsetsMs: count === 1 ? rest.map((t) => t - t0) : undefined,
      backAfterMs: { median: median(backAfter), max: Math.max(...backAfter) },
    };
  } finally {
    child.process.kill();
    await emu.close();
  }
}

async function flood() {
  const emu = await startEmulator({});
  const child = new Child(childOptions(emu, { mode: "flood", count: 10_000 }));
  try {
    const [line] = await child.waitFor((l) => l.type === "flood" || l.type === "error", 120_000);
    if (line?.type !== "flood") throw new Error(line?.message);
    return { full: line.full, cut: line.cut };
  } finally {
    child.process.kill();
    await emu.close();
  }
}

/** @param {string[]} v8Flags */
async function leaks(v8Flags) {
  const emu = await startEmulator({ connectionLimit: 1000 });
  try {
    const [token] = emu.tokens;
    if (!token) throw new Error("no token");
    return await runLeakProbe(
      {
        lib: LIB,
        restUrl: emu.restUrl,
        controlUrl: emu.controlUrl,
        identifier: token.identifier,
        key: token.key,
        website: token.websites[0],
        cycles: 1000,
        pairs: 1000,
        clients: 50,
      },
      v8Flags,
    );
  } finally {
    await emu.close();
  }
}

/** @returns {Promise<{ passed: boolean, line: string, fed: number, heapGrowthMb: number }>} */
function hostile() {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--test", "--test-reporter=tap", `${ROOT}test/unit/hostile-frames.test.js`],
      {
        stdio: ["ignore", "pipe", "inherit"],
        cwd: ROOT,
      },
    );
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("close", (code) => {
      const line = /^# (hostile frames: .*)$/m.exec(out)?.[1] ?? "";
      resolve({
        passed: code === 0,
        line,
        fed: Number(/(\d+) fed/.exec(line)?.[1] ?? NaN),
        heapGrowthMb: Number(/growth after warm-up ([\d.]+) MB/.exec(line)?.[1] ?? NaN),
      });
    });
  });
}

const KB = 1024;
const started = Date.now();
mkdirSync(`${ROOT}.cache/bench`, { recursive: true });
await buildLibrary(LIB);
console.log(
  `reliability bench: three ${OUTAGE_MS / 1000} s outages in parallel (1 client relay-only, 1 client REST + relay, ${HERD} clients), then flood, leaks, hostile frames`,
);
const [relayOnly, fullOutage, herd] = await Promise.all([
  outage({ count: 1, restDown: false }),
  outage({ count: 1, restDown: true }),
  outage({ count: HERD, restDown: false }),
]);
console.log("outages done");
const floodResult = await flood();
console.log("flood done");
const leakReport = await leaks(NO_JIT);
console.log(`V8 without its optimizing compilers (${NO_JIT.join(" ")}):\n${describeLeakReport(leakReport)}`);
const jitReport = await leaks([]);
console.log(`V8 as usual (JIT on; compiled code counts in the heap):\n${describeLeakReport(jitReport)}`);
const hostileResult = await hostile();
console.log(hostileResult.line);

const herdMax = Math.max(...herd.tcpPerSecond);
const herdMaxAfterFirst = Math.max(...herd.tcpPerSecond.slice(1));
/** @param {import("../test/unit/leak-probe-runner.js").LeakReport} r */
const maxGrowth = (r) =>
  Math.max(...[r.afterCycles, r.afterPairs, r.afterClients].map((s) => s.heapUsed - r.before.heapUsed));
const leftovers = [leakReport.afterCycles, leakReport.afterPairs, leakReport.afterClients].some(
  (s) => s.timers !== leakReport.before.timers || s.listeners !== leakReport.before.listeners,
);

/** @type {[string, string, string, boolean | null][]} */
const rows = [
  [
    `Relay down ${OUTAGE_MS / 1000} s (REST up): connection attempts`,
    `${relayOnly.tcpConnections}`,
    "≤ 10",
    relayOnly.tcpConnections <= 10,
  ],
  [
    `Relay down ${OUTAGE_MS / 1000} s (REST up): REST discoveries`,
    `${relayOnly.restDiscoveries}`,
    "≤ 4",
    relayOnly.restDiscoveries <= 4,
  ],
  ["Relay down: back after the relay returns", `${(relayOnly.backAfterMs.max / 1000).toFixed(1)} s`, "", null],
  [
    `REST + relay down ${OUTAGE_MS / 1000} s: attempts (TCP + REST-only)`,
    `${fullOutage.clientAttempts} (TCP ${fullOutage.tcpConnections})`,
    "≤ 10",
    fullOutage.clientAttempts <= 10,
  ],
  [
    `REST + relay down ${OUTAGE_MS / 1000} s: REST discoveries`,
    `${fullOutage.restDiscoveries}`,
    "≤ 4",
    fullOutage.restDiscoveries <= 4,
  ],
  [
    `${HERD} clients, relay down ${OUTAGE_MS / 1000} s: attempts seen`,
    `${herd.tcpConnections} (max ${herd.maxClientAttempts}/client)`,
    "",
    null,
  ],
  [
    `${HERD} clients: max attempts per second`,
    `${herdMax} (after the first second: ${herdMaxAfterFirst})`,
    "spread",
    null,
  ],
  [`${HERD} clients: max REST discoveries per second`, `${Math.max(...herd.restPerSecond)}`, "", null],
  [
    `${HERD} clients: all back after the relay returns`,
    `${(herd.backAfterMs.max / 1000).toFixed(1)} s (median ${(herd.backAfterMs.median / 1000).toFixed(1)} s)`,
    "",
    null,
  ],
  [
    "Flood 10,000 events, full speed: delivered once, in order",
    `${floodResult.full.received}, contiguous: ${floodResult.full.contiguous}`,
    "10000, yes",
    floodResult.full.received === 10_000 && floodResult.full.contiguous,
  ],
  ["Flood throughput", `${floodResult.full.eventsPerSecond} events/s`, "", null],
  [
    "Stream cut by a drop: gap inside the reported downtime",
    `${floodResult.cut.gapCoveredByDowntime} (missed ${floodResult.cut.missed}, downtime ${floodResult.cut.downtimeMs} ms)`,
    "yes",
    floodResult.cut.gapCoveredByDowntime && floodResult.cut.ordered,
  ],
  [
    "Leaks: heap growth (1,000 cycles, 1,000 on/off, 50 clients)",
    `${(maxGrowth(leakReport) / KB).toFixed(0)} KB`,
    "< 1024 KB",
    maxGrowth(leakReport) < 1024 * KB,
  ],
  ["Leaks: same with the JIT on (compiled code included)", `${(maxGrowth(jitReport) / KB).toFixed(0)} KB`, "", null],
  ["Leaks: timers / listeners left by the library", leftovers ? "some" : "none", "none", !leftovers],
  [
    "Hostile frames through the session layer",
    `${hostileResult.fed} fed, heap +${hostileResult.heapGrowthMb} MB, ${hostileResult.passed ? "no escape" : "FAILED"}`,
    "≥ 100000, pass",
    hostileResult.passed && hostileResult.fed >= 100_000,
  ],
];

const width = Math.max(...rows.map((r) => r[0].length));
const valueWidth = Math.max(...rows.map((r) => r[1].length));
console.log(`\n${"Figure".padEnd(width)}  ${"Value".padEnd(valueWidth)}  Goal`);
for (const [figure, value, goal, ok] of rows) {
  console.log(
    `${figure.padEnd(width)}  ${value.padEnd(valueWidth)}  ${goal}${ok === null ? "" : ok ? "  ok" : "  MISSED"}`,
  );
}
console.log(`\n${HERD} clients, connection attempts per second over the outage: ${herd.tcpPerSecond.join(" ")}`);
console.log(`${HERD} clients, REST discoveries per second over the outage: ${herd.restPerSecond.join(" ")}`);
console.log(
  `1 client, relay down: attempts at ${relayOnly.tcpOffsetsMs?.map((t) => (t / 1000).toFixed(1)).join(", ")} s; REST at ${relayOnly.restOffsetsMs?.map((t) => (t / 1000).toFixed(1)).join(", ")} s`,
);
console.log(
  `1 client, REST + relay down: attempts at ${fullOutage.tcpOffsetsMs?.map((t) => (t / 1000).toFixed(1)).join(", ")} s; REST at ${fullOutage.restOffsetsMs?.map((t) => (t / 1000).toFixed(1)).join(", ")} s`,
);

const report = {
  at: new Date().toISOString(),
  node: process.version,
  durationMs: Date.now() - started,
  politeness: { relayOnly, fullOutage },
  herd,
  flood: floodResult,
  leaks: leakReport,
  leaksWithJit: jitReport,
  hostile: hostileResult,
  table: rows.map(([figure, value, goal, ok]) => ({ figure, value, goal, ok })),
};
writeFileSync(OUT, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nwritten to ${OUT.slice(ROOT.length)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(rows.some(([, , , ok]) => ok === false) ? 1 : 0);
