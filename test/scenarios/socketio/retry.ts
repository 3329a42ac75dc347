import { deepEqual, equal } from "../assert.js";
import { sleep } from "../wait.js";
import { type SocketIOScenario, withServer } from "./context.js";

/** Ports of socket.io-client's `test/retry.ts` (see test/scenarios/socketio/README.md for the full table). */
export const retryScenarios: SocketIOScenario[] = [
  {
    name: "an event sent from the connect listener is written exactly once",
    upstream: "retry.ts › should not emit a packet twice in the 'connect' handler (adapted: no ack id, no retries)",
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe({ autoOpen: false });
        p.session.on("connect", () => p.session.send("echo", null));
        p.session.open();
        await p.next("echo");
        await sleep(100);
        deepEqual((await server.log()).engines[0]?.packets, ["0", '2["echo",null]']);
        equal(p.events.filter((event) => event.name === "echo").length, 1);
      }),
  },
];
