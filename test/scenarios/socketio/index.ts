import { connectionScenarios } from "./connection.js";
import type { SocketIOScenario } from "./context.js";
import { parserScenarios } from "./parser.js";
import { retryScenarios } from "./retry.js";
import { socketScenarios } from "./socket.js";
import { timeoutScenarios } from "./timeouts.js";

/** Every Socket.IO conformance case, in the order of test/scenarios/socketio/README.md. */
export const socketioScenarios: SocketIOScenario[] = [
  ...connectionScenarios,
  ...socketScenarios,
  ...retryScenarios,
  ...parserScenarios,
  ...timeoutScenarios,
];
export type { SocketIOContext, SocketIOScenario } from "./context.js";
