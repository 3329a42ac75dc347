// Socket.IO conformance cases (test/scenarios/socketio) in Chromium, against real socket.io servers over WSS; the layer
// and the library come straight from src/.
import * as lib from "../../../src/index.js";
import * as layer from "../../../src/socketio/index.js";
import { socketioScenarios } from "../../scenarios/socketio/index.js";
import { managerUrl } from "./manager.js";

describe("Socket.IO layer against socket.io's own cases, in Chromium (over WSS)", () => {
  for (const scenario of socketioScenarios) {
    it(scenario.name, async () => {
      await scenario.run({ layer, lib, managerUrl: await managerUrl(), serverOptions: { tls: true } });
    });
  }
});
