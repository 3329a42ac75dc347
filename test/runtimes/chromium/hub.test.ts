import * as lib from "../../../src/hub/index.js";
import { hubScenariosFor } from "../../scenarios/hub.js";
import { managerUrl } from "./manager.js";

describe("crisp-rtm/hub in Chromium (a page with tickets from its backend)", () => {
  for (const scenario of hubScenariosFor("chromium")) {
    it(scenario.name, async function () {
      this.timeout(60_000);
      await scenario.run({ lib, managerUrl: await managerUrl(), credential: "ticket" });
    });
  }
});
