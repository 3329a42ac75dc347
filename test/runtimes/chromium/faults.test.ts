import * as lib from "../../../src/index.js";
import { scenariosFor } from "../../scenarios/context.js";
import { faultScenarios } from "../../scenarios/faults.js";
import { managerUrl } from "./manager.js";

describe("fault scenarios in Chromium (over WSS)", () => {
  for (const scenario of scenariosFor(faultScenarios, "chromium")) {
    it(scenario.name, async () => {
      await scenario.run({ lib, managerUrl: await managerUrl(), emulatorOptions: { tls: true } });
    });
  }
});
