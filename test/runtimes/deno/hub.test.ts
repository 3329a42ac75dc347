// The crisp-rtm/hub scenarios in Deno, as a server-side consumer with the bearer secret (dist/hub.js).

import { hubScenariosFor } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/hub.js";

const managerUrl = Deno.env.get("EMULATOR_MANAGER_URL");
if (!managerUrl) throw new Error("EMULATOR_MANAGER_URL is not set: run the Deno tests through `npm test`");

for (const scenario of hubScenariosFor("deno")) {
  Deno.test(scenario.name, () => scenario.run({ lib, managerUrl, credential: "bearer" }));
}
