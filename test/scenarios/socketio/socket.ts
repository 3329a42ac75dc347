import { deepEqual, equal, ok, rejects } from "../assert.js";
import { sleep, waitFor } from "../wait.js";
import { closedWithin, type SocketIOScenario, withServer } from "./context.js";

const file = "socket.ts";

/** Blocks the thread, as a throttled or starved event loop would. */
function busyWait(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

/** Ports of socket.io-client's `test/socket.ts` (see test/scenarios/socketio/README.md for the full table). */
export const socketScenarios: SocketIOScenario[] = [
  {
    name: "the session id equals the server-side socket id, not the Engine.IO id",
    upstream: `${file} › should have an accessible socket id equal to the server-side socket id (default namespace)`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("getId");
        const [ids] = (await p.next("id")) as [{ id: string; engineId: string }];
        ok(p.session.id, "no id while connected");
        equal(p.session.id, ids.id);
        ok(p.session.id !== ids.engineId, "the session id is the Engine.IO id");
      }),
  },
  {
    name: "the session id is cleared once the session ends",
    upstream: `${file} › clears socket.id upon disconnection`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        let idInListener: string | undefined = "unset";
        p.session.on("close", () => (idInListener = p.session.id));
        p.session.close();
        await closedWithin(p);
        equal(p.session.id, undefined);
        equal(idInListener, undefined);
      }),
  },
  {
    name: "close() while opening ends the session once, quietly",
    upstream: `${file} › doesn't fire an error event if we force disconnect in opening state`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe({ openTimeoutMs: 100 });
        p.session.close();
        await sleep(300);
        deepEqual(p.trace, ["close:io client disconnect"]);
        equal(p.closes[0]?.wasConnected, false);
      }),
  },
  {
    name: "an unreachable server ends the session with a transport error",
    upstream: `${file} › fire a connect_error event when the connection cannot be established`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe({ origin: server.deadOrigin, openTimeoutMs: 2000 });
        const info = await closedWithin(p);
        equal(info.reason, "transport error");
        equal(info.wasConnected, false);
        deepEqual(p.trace, ["close:transport error"]);
      }),
  },
  {
    name: "a zero open timeout ends the session with open timeout",
    upstream: `${file} › fire a connect_error event on open timeout (websocket)`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe({ openTimeoutMs: 0 });
        const info = await closedWithin(p);
        equal(info.reason, "open timeout");
        equal(info.wasConnected, false);
        deepEqual(p.trace, ["close:open timeout"]);
      }),
  },
  {
    name: "a lost connection after connect is a transport close, not a connect error",
    upstream: `${file} › doesn't fire a connect_error event when the connection is already established`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("closeTransport");
        const info = await closedWithin(p);
        equal(info.reason, "transport close");
        equal(info.wasConnected, true);
        await sleep(300);
        equal(p.closes.length, 1);
      }),
  },
  {
    name: "a new session gets a new id",
    upstream: `${file} › should change socket.id upon reconnection (adapted: a reconnect is a new session)`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const first = probe();
        const id = await first.connected;
        await server.control({ action: "drop" });
        await closedWithin(first);
        equal(first.session.id, undefined);
        const second = probe();
        ok((await second.connected) !== id, "the second session has the first one's id");
      }),
  },
  {
    name: "the auth object is sent with CONNECT and not in the query",
    upstream: `${file} › auth option › should accept an object`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe({ auth: { a: "b", c: "d" } });
        await p.connected;
        p.session.send("getHandshake");
        const [handshake] = (await p.next("handshake")) as [
          { auth: Record<string, unknown>; query: Record<string, unknown> },
        ];
        deepEqual(handshake.auth, { a: "b", c: "d" });
        equal(handshake.query.a, undefined);
      }),
  },
  {
    name: "a middleware failure ends the session with connect error and the server's message",
    upstream: `${file} › should fire an error event on middleware failure from custom namespace (adapted: namespace /)`,
    run: (context) =>
      withServer(context, { mode: "middleware-error" }, async ({ probe }) => {
        const p = probe();
        const info = await closedWithin(p);
        equal(info.reason, "connect error");
        equal(info.wasConnected, false);
        ok(info.description.includes("Auth failed (main namespace)"), `description: ${info.description}`);
        deepEqual(info.cause, { message: "Auth failed (main namespace)" });
        deepEqual(p.trace, ["open", "close:connect error"]);
      }),
  },
  {
    name: "CrispRTM does not reconnect after a middleware failure",
    upstream: `${file} › should not try to reconnect after a middleware failure`,
    run: (context) =>
      withServer(context, { mode: "middleware-error" }, async ({ server, client }) => {
        const rtm = client();
        let retries = 0;
        rtm.on("rtm:reconnecting", () => (retries += 1));
        await rejects(rtm.connect());
        await sleep(300);
        equal(retries, 0);
        const log = await server.log();
        equal(log.connectAttempts, 1);
        equal(log.requests.length, 1);
      }),
  },
  {
    name: "close() then a new session: one close event, then connected again",
    upstream: `${file} › should properly disconnect then reconnect`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const first = probe();
        await first.connected;
        first.session.close();
        first.session.close();
        const second = probe();
        await second.connected;
        await sleep(100);
        equal(first.closes.length, 1);
        ok(second.session.connected);
      }),
  },
  {
    name: "sending a reserved event name throws and the connection survives",
    upstream: `${file} › should throw on reserved event`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        for (const name of [
          "connect",
          "connect_error",
          "disconnect",
          "disconnecting",
          "newListener",
          "removeListener",
        ]) {
          let thrown: unknown;
          try {
            p.session.send(name, "goodbye");
          } catch (error) {
            thrown = error;
          }
          ok(
            thrown instanceof Error && thrown.message.includes(`"${name}" is a reserved event name`),
            `send(${name}) did not throw`,
          );
        }
        p.session.send("hi");
        await p.next("hi");
        ok(p.session.connected, "the connection did not survive");
        deepEqual((await server.log()).engines[0]?.packets, ["0", '2["hi"]']);
      }),
  },
  {
    name: "events are sent and received in order; nothing is sent (nor buffered) before the namespace is connected",
    upstream: `${file} › should emit events in order (adapted: no buffering before connect)`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe({ autoOpen: false });
        equal(p.session.send("echo", "too early"), false);
        p.session.open();
        equal(p.session.send("echo", "still too early"), false);
        await p.connected;
        const words = ["first", "second", "third", "fourth"];
        for (const word of words) ok(p.session.send("echo", word));
        const echoed: unknown[] = [];
        for (let i = 0; i < words.length; i += 1) echoed.push((await p.next("echo"))[0]);
        deepEqual(echoed, words);
        deepEqual((await server.log()).engines[0]?.packets, ["0", ...words.map((word) => `2["echo","${word}"]`)]);
      }),
  },
  {
    name: "the event listener sees every event with its name, and stops once removed",
    upstream: `${file} › onAny › should call listener; should remove listener`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        const seen: string[] = [];
        const off = p.session.on("event", (name) => seen.push(name));
        p.session.send("hi");
        await p.next("hi");
        off();
        p.session.send("false");
        await p.next("false");
        deepEqual(seen, ["hi"]);
      }),
  },
  {
    name: "a late timer does not write on a connection whose heartbeat expired",
    upstream: `${file} › throttled timer › should buffer the event and send it upon reconnection (adapted: dropped, not buffered)`,
    run: (context) =>
      withServer(context, { pingInterval: 100, pingTimeout: 100 }, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        busyWait(350);
        equal(p.session.send("echo", "late"), false, "send() wrote on a connection past its heartbeat deadline");
        const info = await closedWithin(p);
        equal(info.reason, "ping timeout");
        await sleep(100);
        const events = (await server.log()).sockets[0]?.events ?? [];
        ok(!events.some((event) => event.name === "echo"), "the late event reached the server");
      }),
  },
  {
    name: "sending a circular payload throws and nothing is written",
    upstream: "socket.io-parser parser.js › throws an error when encoding circular objects (through send())",
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        const circular: Record<string, unknown> = {};
        circular.self = circular;
        let thrown = false;
        try {
          p.session.send("echo", circular);
        } catch {
          thrown = true;
        }
        ok(thrown, "send() accepted a circular payload");
        p.session.send("hi");
        await p.next("hi");
        deepEqual((await server.log()).engines[0]?.packets, ["0", '2["hi"]']);
      }),
  },
  {
    name: "a server DISCONNECT ends the session with io server disconnect",
    upstream: "ours (server-initiated disconnect)",
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("kick");
        const info = await closedWithin(p);
        equal(info.reason, "io server disconnect");
        equal(info.wasConnected, true);
        await waitFor(async () => (await server.log()).sockets[0]?.disconnectReason, 3000, "the server-side reason");
        equal((await server.log()).sockets[0]?.disconnectReason, "server namespace disconnect");
      }),
  },
  {
    name: "a server DISCONNECT followed by closing the connection is still io server disconnect",
    upstream: "ours (server-initiated disconnect, `disconnect(true)`)",
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("kickClose");
        const info = await closedWithin(p);
        equal(info.reason, "io server disconnect");
        deepEqual(p.trace, ["open", "connect", "close:io server disconnect"]);
      }),
  },
];
