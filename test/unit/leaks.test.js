// @ts-check
/**
 * Leaks: 1,000 drop/reconnect cycles, 1,000 on/off pairs and 50 whole clients leave no growth in the library's
 * timers, event listeners, live WebSockets, listener functions or heap (< 1 MB after full GCs). The client runs
 * in a child `node --expose-gc` (plus `--experimental-websocket` on Node < 22) started by this test, see
 * leak-probe.js; the emulator runs here, so its own memory is not measured. The child runs without V8's
 * optimizing compilers (NO_JIT): compiled code is not a leak and would make the heap figure noisy (see
 * leak-probe-runner.js); `npm run bench:reliability` prints the figure with them on too. The figures are printed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startEmulator } from "../../emulator/index.js";
import { buildLibrary } from "../support/build-library.js";
import { describeLeakReport, NO_JIT, runLeakProbe } from "./leak-probe-runner.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LIB = `${ROOT}.cache/leaks/crisp-rtm.js`;
const MB = 2 ** 20;

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
before(async () => {
  await buildLibrary(LIB);
  emu = await startEmulator({ connectionLimit: 1000 });
});
after(() => emu?.close());

test("1,000 drop/reconnect cycles, 1,000 on/off pairs and 50 clients leave no timers, listeners or heap behind", {
  timeout: 120_000,
}, async () => {
  const [token] = emu.tokens;
  assert.ok(token);
  const report = await runLeakProbe(
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
    NO_JIT,
  );
  const { before: start, afterCycles, afterPairs, afterClients, afterClose } = report;
  const growth = (/** @type {{ heapUsed: number }} */ s) => s.heapUsed - start.heapUsed;
  console.log(describeLeakReport(report));
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
