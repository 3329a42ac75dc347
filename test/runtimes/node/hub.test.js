// @ts-check
// The crisp-rtm/hub scenarios in Node, as a server-side consumer with the bearer secret (dist/hub.js).
import { test } from "node:test";
import { hubScenariosFor } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/hub.js";
import { useEmulatorManager } from "./manager.js";

const manager = useEmulatorManager();

for (const scenario of hubScenariosFor("node")) {
  test(scenario.name, { timeout: 60_000 }, () => scenario.run({ lib, managerUrl: manager.url, credential: "bearer" }));
}
