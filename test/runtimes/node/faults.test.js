// @ts-check
// The shared fault scenarios, run by Node (global WebSocket: Node 22+, or 20 with --experimental-websocket)
// against the built bundle over WSS (NODE_EXTRA_CA_CERTS trusts the emulator's CA).
import { test } from "node:test";
import { faultScenarios, scenariosFor } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/crisp-rtm.js";
import { useEmulatorManager } from "./manager.js";

const manager = useEmulatorManager();

for (const scenario of scenariosFor(faultScenarios, "node")) {
  test(scenario.name, () => scenario.run({ lib, managerUrl: manager.url, emulatorOptions: { tls: true } }));
}
