// @ts-check
/** Starts test/unit/leak-probe.js in a child `node --expose-gc` and reads its report (used by the test and the bench). */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const PROBE = fileURLToPath(new URL("./leak-probe.js", import.meta.url));

/**
 * @typedef {object} LeakSnapshot
 * @property {number} heapUsed
 * @property {number} timers Timers the library has pending.
 * @property {number} listeners Event listeners the library has registered.
 * @property {{ webSockets: number, listenerFunctions: number, clients: number }} alive Objects not collected.
 * @property {Record<string, number>} resources `process.getActiveResourcesInfo()`, counted.
 */

/**
 * @typedef {object} LeakReport
 * @property {number} cycles
 * @property {number} pairs
 * @property {number} clients
 * @property {number} cyclesMs
 * @property {LeakSnapshot} before
 * @property {LeakSnapshot} afterCycles
 * @property {LeakSnapshot} afterPairs
 * @property {LeakSnapshot} afterClients
 * @property {LeakSnapshot} afterClose
 * @property {boolean} filtersBack
 * @property {boolean} deliveredOnce
 */

/**
 * V8 flags that keep JIT-compiled code out of the heap figures: with the optimizing compilers on, the heap grows
 * by a few hundred KB to about 2 MB over thousands of cycles, and heap snapshots show that growth is all code
 * (`code`, deopt data, relocation info), which V8 later flushes; the library's own objects do not grow. Without
 * them (bytecode only), what remains is data, which is what a leak is made of.
 */
export const NO_JIT = ["--no-opt", "--no-sparkplug", "--no-flush-bytecode"];

/**
 * Runs the probe (see leak-probe.js for the options); resolves with its report.
 * @param {Record<string, unknown>} options
 * @param {string[]} [v8Flags] e.g. {@link NO_JIT}
 * @returns {Promise<LeakReport>}
 */
export function runLeakProbe(options, v8Flags = []) {
  const flags = [...v8Flags, ...(Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", ...flags, "--no-warnings", PROBE, JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) reject(new Error(`the leak probe exited with ${code}: ${out}`));
      else resolve(JSON.parse(line));
    });
  });
}

/**
 * The report as readable lines.
 * @param {LeakReport} report
 */
export function describeLeakReport(report) {
  const start = report.before;
  /** @param {string} label @param {LeakSnapshot} s */
  const row = (label, s) => {
    const growth = s.heapUsed - start.heapUsed;
    return (
      `${label.padEnd(22)} heap ${(s.heapUsed / 2 ** 20).toFixed(2)} MB (${growth >= 0 ? "+" : ""}${(growth / 1024).toFixed(0)} KB), ` +
      `timers ${s.timers}, listeners ${s.listeners}, alive ${JSON.stringify(s.alive)}`
    );
  };
  return [
    `leaks: ${report.cycles} drop/reconnect cycles in ${report.cyclesMs} ms, ${report.pairs} on/off pairs, ${report.clients} clients`,
    row("baseline (ready)", start),
    row("after cycles", report.afterCycles),
    row("after on/off pairs", report.afterPairs),
    row("after clients", report.afterClients),
    row("after close()", report.afterClose),
    `active resources at baseline ${JSON.stringify(start.resources)}, after close ${JSON.stringify(report.afterClose.resources)}`,
  ].join("\n");
}
