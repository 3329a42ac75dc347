// @ts-check
/**
 * Leaks: 1,000 drop/reconnect cycles, 1,000 on/off pairs and 50 whole clients leave no growth in the library's
 * timers, event listeners, live WebSockets, listener functions or heap (< 1 MB after full GCs). The client runs
 * in a child `node --expose-gc` (plus `--experimental-websocket` on Node < 22) started by this test, see
 * leak-probe.js; the emulator runs here, so its own memory is not measured. The figures are printed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../emulator/index.js";
import { buildLibrary } from "../support/build-library.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LIB = `${ROOT}.cache/leaks/crisp-rtm.js`;
const PROBE = fileURLToPath(new URL("./leak-probe.js", import.meta.url));
const MB = 2 ** 20;

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
before(async () => {
  await buildLibrary(LIB);
  emu = await startEmulator({ connectionLimit: 1000 });
});
after(() => emu?.close());

/**
 * Runs the probe; resolves with its JSON report.
 * @param {Record<string, unknown>} options
 * @returns {Promise<any>}
 */
export function runProbe(options) {
  const flags = Number(process.versions.node.split(".")[0]) < 22 ? ["--experimental-websocket"] : [];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", ...flags, "--no-warnings", PROBE, JSON.stringify(options)], { stdio: ["ignore", "pipe", "inherit"] });
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

test("1,000 drop/reconnect cycles, 1,000 on/off pairs and 50 clients leave no timers, listeners or heap behind", { timeout: 120_000 }, async () => {
  const [token] = emu.tokens;
  assert.ok(token);
  const report = await runProbe({
    lib: LIB,
    restUrl: emu.restUrl,
    controlUrl: emu.controlUrl,
    identifier: token.identifier,
    key: token.key,
    website: token.websites[0],
    cycles: 1000,
    pairs: 1000,
    clients: 50,
  });
  const { before: start, afterCycles, afterPairs, afterClients, afterClose } = report;
  const growth = (/** @type {{ heapUsed: number }} */ s) => s.heapUsed - start.heapUsed;
  const row = (/** @type {string} */ label, /** @type {any} */ s) =>
    `${label.padEnd(22)} heap ${(s.heapUsed / MB).toFixed(2)} MB (${growth(s) >= 0 ? "+" : ""}${(growth(s) / 1024).toFixed(0)} KB), ` +
    `timers ${s.timers}, listeners ${s.listeners}, alive ${JSON.stringify(s.alive)}`;
  console.log(
    [
      `leaks: ${report.cycles} drop/reconnect cycles in ${report.cyclesMs} ms, ${report.pairs} on/off pairs, ${report.clients} clients`,
      row("baseline (ready)", start),
      row("after cycles", afterCycles),
      row("after on/off pairs", afterPairs),
      row("after clients", afterClients),
      row("after close()", afterClose),
      `active resources at baseline ${JSON.stringify(start.resources)}, after close ${JSON.stringify(afterClose.resources)}`,
    ].join("\n"),
  );
  for (const [label, s] of Object.entries({ afterCycles, afterPairs, afterClients })) {
    assert.ok(growth(s) < MB, `${label}: the heap grew by ${(growth(s) / 1024).toFixed(0)} KB`);
    assert.equal(s.timers, start.timers, `${label}: pending timers`);
    assert.equal(s.listeners, start.listeners, `${label}: event listeners`);
    assert.ok(s.alive.webSockets <= start.alive.webSockets, `${label}: ${s.alive.webSockets} WebSockets alive`);
  }
  assert.equal(afterPairs.alive.listenerFunctions, 0, "every removed listener function was collected");
  assert.equal(afterClients.alive.clients, 0, "every closed client was collected");
  assert.equal(report.filtersBack, true, "the filters are back to the baseline after the on/off pairs");
  assert.equal(report.deliveredOnce, true, "an event reaches the remaining listener exactly once");
  assert.equal(afterClose.timers, 0, "no timer left after close()");
  assert.equal(afterClose.listeners, 0, "no listener left after close()");
});
