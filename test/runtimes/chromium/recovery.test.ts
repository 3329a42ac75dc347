import * as lib from "../../../src/index.js";
import * as recover from "../../../src/recover.js";
import { recoveryScenarios } from "../../scenarios/recovery.js";
import { managerUrl } from "./manager.js";

describe("recovery scenarios in Chromium (over WSS / HTTPS)", () => {
  for (const scenario of recoveryScenarios) {
    it(scenario.name, async () => {
      await scenario.run({ lib, recover, managerUrl: await managerUrl(), emulatorOptions: { tls: true } });
    });
  }
});
