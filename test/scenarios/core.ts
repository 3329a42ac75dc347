import type { RTMError } from "../../src/index.js";
import { deepEqual, equal, ok, rejects } from "./assert.js";
import { type Scenario, withEmulator } from "./context.js";
import { nextEvent, sleep, waitFor } from "./wait.js";

/** Asked for on the plugin tier whatever the listeners: it makes the client re-bind (see client.ts). */
const SUBSCRIPTION = "plugin:subscription:updated";

const message = (content: string) => ({ type: "text", from: "user", origin: "chat", content, user: {} });

/** The scenarios every runtime runs: connect, filtered delivery, bind, reconnect, unauthorized, close. */
export const coreScenarios: Scenario[] = [
  {
    name: "discovers the endpoint over REST, connects on its path and authenticates",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const rtm = client();
        rtm.on("message:send", () => {});
        const states: string[] = [];
        rtm.on("rtm:state", ({ state }) => states.push(state));
        await rtm.connect();
        equal(rtm.state, "ready");
        deepEqual(states, ["discovering", "connecting", "authenticating", "ready"]);
        const state = await emulator.state();
        equal(state.connections.length, 1);
        equal(state.connections[0]?.authenticated, true);
        const auth = state.auths[0] ?? {};
        deepEqual(auth.events, ["message:send", SUBSCRIPTION]);
        equal(auth.tier, "plugin");
        equal(state.restLog.length, 1);
      }),
  },
  {
    name: "delivers only the subscribed events from the subscribed websites",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site, other] = emulator.token.websites as [string, string];
        const rtm = client({ events: ["message:send"], rooms: [site] });
        const received: string[] = [];
        rtm.on("*", (name, payload) => received.push(name === "message:send" ? String(payload.content) : name));
        await rtm.connect();
        deepEqual((await emulator.state()).auths[0]?.events, ["message:send", SUBSCRIPTION]);
        await emulator.inject("message:send", message("wanted"), site);
        await emulator.inject("message:send", message("other website"), other);
        await emulator.inject("message:received", message("other event"), site);
        await emulator.inject("message:send", message("marker"), site);
        await waitFor(() => received.includes("marker"), 5000, "the marker event");
        deepEqual(received, ["wanted", "marker"]);
      }),
  },
  {
    name: "bind() replaces the filters on the live connection",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const rtm = client({ events: ["message:send"], bindIntervalMs: 0 });
        const received: string[] = [];
        rtm.on("message:send", (payload) => received.push(`send:${String(payload.content)}`));
        rtm.on("message:received", (payload) => received.push(`received:${String(payload.content)}`));
        await rtm.connect();
        await rtm.bind({ events: ["message:received"] });
        await waitFor(async () => (await emulator.state()).binds.length === 1, 5000, "the bind");
        await emulator.inject("message:send", message("dropped"), site);
        await emulator.inject("message:received", message("kept"), site);
        await waitFor(() => received.length > 0, 5000, "an event after bind");
        await sleep(100);
        deepEqual(received, ["received:kept"]);
        deepEqual(rtm.filters.events, ["message:received", SUBSCRIPTION]);
      }),
  },
  {
    name: "reconnects after the server drops every socket and re-sends the filters",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const rtm = client({ rooms: [site] });
        rtm.on("message:send", () => {});
        await rtm.connect();
        const ready = nextEvent<{ reconnected: boolean; downtime?: { ms: number } }>(rtm, "rtm:ready", 8000);
        const disconnect = nextEvent(rtm, "rtm:disconnect", 8000);
        await emulator.control("drop");
        await disconnect;
        const info = await ready;
        equal(info.reconnected, true);
        ok(info.downtime && info.downtime.ms >= 0, "the downtime is reported");
        const state = await emulator.state();
        equal(state.auths.length, 2);
        deepEqual(state.auths[1]?.events, ["message:send", SUBSCRIPTION]);
        deepEqual(state.auths[1]?.rooms, [site]);
        const got = nextEvent<{ content: string }>(rtm, "message:send");
        await emulator.inject("message:send", message("after reconnect"), site);
        equal((await got).content, "after reconnect");
      }),
  },
  {
    name: "an unauthorized token fails with `unauthorized` after one attempt and never retries",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const viaRest = client({ key: "wrong-key" });
        viaRest.on("message:send", () => {});
        const restError = (await rejects(viaRest.connect())) as RTMError;
        equal(restError.code, "unauthorized");
        equal(restError.status, 401);
        const viaSocket = client({ key: "wrong-key", endpoint: emulator.info.rtmUrl });
        viaSocket.on("message:send", () => {});
        const socketError = (await rejects(viaSocket.connect())) as RTMError;
        equal(socketError.code, "unauthorized");
        ok(!socketError.message.includes("wrong-key"), "the key is not in the message");
        await sleep(300);
        const state = await emulator.state();
        equal(state.restLog.length, 1, "one REST request");
        equal(state.counters.authentications, 1, "one socket authentication");
        equal(viaSocket.state, "closed");
      }),
  },
  {
    name: "close() ends the connection, the iterators and any later connect()",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const rtm = client();
        const iterator = rtm.events(["message:send"]);
        await rtm.connect();
        const pending = iterator.next();
        rtm.close();
        rtm.close();
        equal((await pending).done, true);
        equal(rtm.state, "closed");
        const error = (await rejects(rtm.connect())) as RTMError;
        equal(error.code, "closed");
        await waitFor(async () => (await emulator.state()).connections.length === 0, 5000, "the socket to close");
      }),
  },
];
