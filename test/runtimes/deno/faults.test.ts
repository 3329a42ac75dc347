// The shared fault scenarios, run by Deno against the built bundle over WSS (the emulator's CA is passed with --cert).

import { faultScenarios, scenariosFor } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/crisp-rtm.js";

const managerUrl = Deno.env.get("EMULATOR_MANAGER_URL");
if (!managerUrl) throw new Error("EMULATOR_MANAGER_URL is not set: run the Deno tests through `npm test`");

for (const scenario of scenariosFor(faultScenarios, "deno")) {
  Deno.test(scenario.name, () => scenario.run({ lib, managerUrl, emulatorOptions: { tls: true } }));
}
