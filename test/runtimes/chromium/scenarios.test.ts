import * as lib from "../../../src/index.js";
import { coreScenarios } from "../../scenarios/core.js";
import { managerUrl } from "./manager.js";

describe("shared scenarios in Chromium (over WSS)", () => {
  for (const scenario of coreScenarios) {
    it(scenario.name, async () => {
      await scenario.run({ lib, managerUrl: await managerUrl(), emulatorOptions: { tls: true } });
    });
  }
});
