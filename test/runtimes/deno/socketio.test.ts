// Socket.IO conformance cases (test/scenarios/socketio), run by Deno against real socket.io servers over WSS (the test
// CA is passed with --cert). The layer is the `.cache/socketio/index.js` bundle (test/support/build-socketio.js),
// the library the built `dist/crisp-rtm.js`.

import { socketioScenarios } from "../../../.cache/scenarios.js";
import * as layer from "../../../.cache/socketio/index.js";
import * as lib from "../../../dist/crisp-rtm.js";

const managerUrl = Deno.env.get("EMULATOR_MANAGER_URL");
if (!managerUrl) throw new Error("EMULATOR_MANAGER_URL is not set: run the Deno tests through `npm test`");

for (const scenario of socketioScenarios) {
  Deno.test(scenario.name, () => scenario.run({ layer, lib, managerUrl, serverOptions: { tls: true } }));
}
