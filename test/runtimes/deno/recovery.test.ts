// The shared recovery scenarios (issue 19), run by Deno against the built bundles over WSS / HTTPS (the
// emulator's CA is passed with --cert).

import { recoveryScenarios } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/crisp-rtm.js";
import * as recover from "../../../dist/recover.js";

const managerUrl = Deno.env.get("EMULATOR_MANAGER_URL");
if (!managerUrl) throw new Error("EMULATOR_MANAGER_URL is not set: run the Deno tests through `npm test`");

for (const scenario of recoveryScenarios) {
  Deno.test(scenario.name, () => scenario.run({ lib, recover, managerUrl, emulatorOptions: { tls: true } }));
}
