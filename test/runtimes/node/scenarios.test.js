// @ts-check
// The shared scenarios, run by Node (global WebSocket: Node 22+, or 20 with --experimental-websocket)
// against the built bundle over WSS (NODE_EXTRA_CA_CERTS trusts the emulator's CA).
import { after, before, test } from "node:test";
import { coreScenarios } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/crisp-rtm.js";
import { startEmulatorManager } from "../../support/emulator-manager.js";

/** @type {Awaited<ReturnType<typeof startEmulatorManager>>} */
let manager;
before(async () => {
  if (typeof WebSocket !== "function")
    throw new Error("no global WebSocket: use Node 22+, or Node 20 with --experimental-websocket");
  manager = await startEmulatorManager();
});
after(() => manager.close());

for (const scenario of coreScenarios) {
  test(scenario.name, () => scenario.run({ lib, managerUrl: manager.url, emulatorOptions: { tls: true } }));
}
