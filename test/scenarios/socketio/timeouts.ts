import { deepEqual, equal } from "../assert.js";
import { closedWithin, type SocketIOScenario, withServer } from "./context.js";

/** Our additions around the handshake deadlines engine.io-client and socket.io-client lack (facts, section 6). */
export const timeoutScenarios: SocketIOScenario[] = [
  {
    name: "a server that never completes the WebSocket upgrade ends the session with open timeout",
    upstream: "ours (open timeout against a real stall)",
    run: (context) =>
      withServer(context, { mode: "stall-open" }, async ({ probe }) => {
        const started = Date.now();
        const p = probe({ openTimeoutMs: 300 });
        const info = await closedWithin(p);
        equal(info.reason, "open timeout");
        equal(Date.now() - started >= 290, true, "the open timeout fired early");
        deepEqual(p.trace, ["close:open timeout"]);
      }),
  },
  {
    name: "a server that never answers CONNECT ends the session with connect timeout",
    upstream: "ours (connect timeout)",
    run: (context) =>
      withServer(context, { mode: "stall-connect" }, async ({ probe }) => {
        const p = probe({ connectTimeoutMs: 300 });
        const info = await closedWithin(p);
        equal(info.reason, "connect timeout");
        equal(info.wasConnected, false);
        deepEqual(p.trace, ["open", "close:connect timeout"]);
      }),
  },
];
