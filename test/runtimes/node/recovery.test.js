// @ts-check
// The shared recovery scenarios (issue 19), run by Node against the built bundles (dist/crisp-rtm.js and
// dist/recover.js) over WSS / HTTPS (NODE_EXTRA_CA_CERTS trusts the emulator's CA).
import { test } from "node:test";
import { recoveryScenarios } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/crisp-rtm.js";
import * as recover from "../../../dist/recover.js";
import { useEmulatorManager } from "./manager.js";

const manager = useEmulatorManager();

for (const scenario of recoveryScenarios) {
  test(scenario.name, () => scenario.run({ lib, recover, managerUrl: manager.url, emulatorOptions: { tls: true } }));
}
