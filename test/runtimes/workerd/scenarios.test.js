// @ts-check
// The shared scenarios, run inside workerd (Miniflare), with both ways a Worker opens an outbound socket:
// `new WebSocket()` and fetch + `Upgrade: websocket`. WSS trusts the emulator's CA through NODE_EXTRA_CA_CERTS,
// which the test command sets before this process (and so workerd) starts.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import { coreScenarios, faultScenarios, scenariosFor } from "../../../.cache/scenarios.js";
import { startEmulatorManager } from "../../support/emulator-manager.js";

const BUNDLE = ".cache/workerd/scenario-worker.js";

/** @type {Awaited<ReturnType<typeof startEmulatorManager>>} */
let manager;
/** @type {Miniflare} */
let mf;

before(async () => {
  manager = await startEmulatorManager();
  await build({
    entryPoints: ["test/runtimes/workerd/scenario-worker.js"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    outfile: BUNDLE,
    logLevel: "warning",
  });
  mf = new Miniflare({
    modules: true,
    scriptPath: BUNDLE,
    compatibilityDate: "2026-04-01",
    bindings: { MANAGER_URL: manager.url },
  });
  await mf.ready;
});

after(async () => {
  await mf?.dispose();
  await manager?.close();
});

/** The lists the worker runs, as it indexes them (see scenario-worker.js). */
const LISTS = { core: coreScenarios, faults: scenariosFor(faultScenarios, "workerd") };

for (const [list, scenarios] of Object.entries(LISTS)) {
  for (const socket of ["websocket", "fetch"]) {
    scenarios.forEach((scenario, index) => {
      test(`${scenario.name} (workerd, ${socket === "fetch" ? "fetch + Upgrade" : "new WebSocket"})`, async () => {
        const response = await mf.dispatchFetch(`http://worker.test/?list=${list}&scenario=${index}&socket=${socket}`);
        const result = /** @type {{ ok: boolean, error?: string }} */ (await response.json());
        assert.equal(result.ok, true, result.error);
      });
    });
  }
}
