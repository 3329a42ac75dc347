// @ts-check
// Socket.IO conformance cases (test/scenarios/socketio), run by Node (global WebSocket: Node 22+, or 20 with
// --experimental-websocket) against real socket.io servers over WSS (NODE_EXTRA_CA_CERTS trusts the test CA).
// The layer is the `.cache/socketio/index.js` bundle (test/support/build-socketio.js), the library `dist/crisp-rtm.js`.
import { test } from "node:test";
import { socketioScenarios } from "../../../.cache/scenarios.js";
import * as layer from "../../../.cache/socketio/index.js";
import * as lib from "../../../dist/crisp-rtm.js";
import { useEmulatorManager } from "./manager.js";

const manager = useEmulatorManager();

for (const scenario of socketioScenarios) {
  test(scenario.name, () => scenario.run({ layer, lib, managerUrl: manager.url, serverOptions: { tls: true } }));
}
