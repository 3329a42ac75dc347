// @ts-check
// The crisp-rtm/hub scenarios in Node, as a server-side consumer with the bearer secret (dist/hub.js).
import { after, before, test } from "node:test";
import { hubScenariosFor } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/hub.js";
import { startEmulatorManager } from "../../support/emulator-manager.js";

/** @type {Awaited<ReturnType<typeof startEmulatorManager>>} */
let manager;
before(async () => {
  if (typeof WebSocket !== "function")
    throw new Error("no global WebSocket: use Node 22+, or Node 20 with --experimental-websocket");
  manager = await startEmulatorManager();
});
after(() => manager.close());

for (const scenario of hubScenariosFor("node")) {
  test(scenario.name, { timeout: 60_000 }, () => scenario.run({ lib, managerUrl: manager.url, credential: "bearer" }));
}
