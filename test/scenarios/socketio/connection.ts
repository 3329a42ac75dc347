import type { RTMError } from "../../../src/index.js";
import { deepEqual, equal, ok, rejects } from "../assert.js";
import { nextEvent, sleep, waitFor } from "../wait.js";
import { closedWithin, type SocketIOScenario, withServer } from "./context.js";

const UTF8 = ["てすと", "Я Б Г Д Ж Й", "Ä ä Ü ü ß", "utf8 — string", "utf8 — string"];
const file = "connection.ts";

/** Ports of socket.io-client's `test/connection.ts` (see test/scenarios/socketio/README.md for the full table). */
export const connectionScenarios: SocketIOScenario[] = [
  {
    name: "connects to the server and exchanges an event",
    upstream: `${file} › should connect to localhost`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        ok(p.session.send("hi"), "send() refused while connected");
        await p.next("hi");
        deepEqual(p.trace, ["open", "connect", "event:hi"]);
        ok(p.session.connected);
      }),
  },
  {
    name: "does not connect before open() is called",
    upstream: `${file} › should not connect when autoConnect option set to false`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe({ autoOpen: false });
        await sleep(100);
        equal((await server.log()).requests.length, 0, "a handshake reached the server before open()");
        equal(p.session.connected, false);
        equal(p.session.closed, false);
        deepEqual(p.trace, []);
      }),
  },
  {
    name: "two sessions to the same server use two connections with distinct ids",
    upstream: `${file} › should start two connections with same path`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const a = probe();
        const b = probe();
        const [idA, idB] = await Promise.all([a.connected, b.connected]);
        ok(idA !== idB, "both sessions got the same sid");
        const log = await server.log();
        equal(log.engines.length, 2);
        ok(log.engines[0]?.id !== log.engines[1]?.id);
      }),
  },
  {
    name: "an event that asks for an acknowledgement is delivered and the session stays up",
    upstream: `${file} › should work with acks (adapted: the layer exposes no acks)`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("ack");
        await p.next("ack");
        p.session.send("hi");
        await p.next("hi");
        ok(p.session.connected);
        const packets = (await server.log()).engines[0]?.packets ?? [];
        ok(!packets.some((packet) => packet.startsWith("3")), `the layer answered an ack: ${JSON.stringify(packets)}`);
        ok(!p.events.some((event) => event.name === "got it"));
      }),
  },
  {
    name: "false arrives as false",
    upstream: `${file} › should work with false`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("false");
        const args = await p.next("false");
        equal(args[0], false);
      }),
  },
  {
    name: "receives UTF-8 multibyte strings intact and in order",
    upstream: `${file} › should receive utf8 multibyte characters`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("getUtf8");
        const received: unknown[] = [];
        for (let i = 0; i < UTF8.length; i += 1) received.push((await p.next("takeUtf8"))[0]);
        deepEqual(received, UTF8);
      }),
  },
  {
    name: "sends UTF-8 multibyte strings (and astral characters) intact",
    upstream: `${file} › should receive utf8 multibyte characters (adapted: the other direction)`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        const texts = [...UTF8, "emoji 😀 👍🏽", "𝄞 clef"];
        for (const text of texts) p.session.send("echo", text);
        const echoed: unknown[] = [];
        for (let i = 0; i < texts.length; i += 1) echoed.push((await p.next("echo"))[0]);
        deepEqual(echoed, texts);
        const seen = (await server.log()).sockets[0]?.events.filter((e) => e.name === "echo").map((e) => e.args[0]);
        deepEqual(seen, texts);
      }),
  },
  {
    name: "a Date arrives as an ISO string",
    upstream: `${file} › should emit date as string`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("getDate");
        const [date] = await p.next("takeDate");
        ok(
          typeof date === "string" && !Number.isNaN(Date.parse(date)),
          `expected an ISO date string, got ${JSON.stringify(date)}`,
        );
      }),
  },
  {
    name: "a Date inside an object arrives as an ISO string",
    upstream: `${file} › should emit date in object`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("getDateObj");
        const [payload] = await p.next("takeDateObj");
        ok(payload && typeof payload === "object", "expected an object");
        equal(typeof (payload as { date?: unknown }).date, "string");
      }),
  },
  {
    name: "a reply to CONNECT without a sid (a Socket.IO v2 server) ends the session with a clear connect error",
    upstream: `${file} › should emit a connect_error event when reaching a Socket.IO server in v2.x`,
    run: (context) =>
      withServer(context, { mode: "v2" }, async ({ probe }) => {
        const p = probe();
        const info = await closedWithin(p);
        equal(info.reason, "connect error");
        equal(info.wasConnected, false);
        ok(/v2/.test(info.description), `the description does not name the v2 server: ${info.description}`);
        deepEqual(p.trace, ["open", "close:connect error"]);
      }),
  },
  {
    name: "a CrispRTM client does not retry against a Socket.IO v2 server",
    upstream: `${file} › should emit a connect_error event when reaching a Socket.IO server in v2.x (adapted: policy)`,
    run: (context) =>
      withServer(context, { mode: "v2" }, async ({ server, client }) => {
        const rtm = client();
        let retries = 0;
        rtm.on("rtm:reconnecting", () => (retries += 1));
        await rejects(rtm.connect(), "connect() resolved against a v2 server");
        await sleep(200);
        equal(retries, 0);
        equal((await server.log()).connectAttempts, 1);
      }),
  },
  {
    name: "a decoding exception closes the Engine.IO connection",
    upstream: `${file} › should close the engine upon decoding exception`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("raw", "bad");
        const info = await closedWithin(p);
        equal(info.reason, "parse error");
        equal(info.wasConnected, true);
        await waitFor(
          async () => (await server.log()).engines[0]?.closedAt,
          3000,
          "the server to see the engine closed",
        );
        equal((await server.log()).engines[0]?.closeReason, "transport close");
      }),
  },
  {
    name: "after a decoding exception CrispRTM reconnects on a new engine",
    upstream: `${file} › should close the engine upon decoding exception (adapted: the reconnect half)`,
    run: (context) =>
      withServer(context, {}, async ({ server, client }) => {
        const rtm = client();
        await rtm.connect();
        const errors: RTMError[] = [];
        rtm.on("rtm:error", (error) => errors.push(error));
        const ready = nextEvent<{ reconnected: boolean }>(rtm, "rtm:ready", 5000);
        equal(await server.control({ action: "raw", text: "bad" }), 1);
        equal((await ready).reconnected, true);
        equal(errors[0]?.code, "protocol_error");
        const log = await server.log();
        equal(log.engines.length, 2);
        ok(log.engines[0]?.closedAt, "the first engine is still open");
        ok(log.engines[0]?.id !== log.engines[1]?.id);
      }),
  },
  {
    name: "CrispRTM reconnects after the connection is lost",
    upstream: `${file} › should reconnect by default`,
    run: (context) =>
      withServer(context, {}, async ({ server, client }) => {
        const rtm = client();
        await rtm.connect();
        const ready = nextEvent<{ reconnected: boolean }>(rtm, "rtm:ready", 5000);
        const lost = nextEvent<{ reason: string; willReconnect: boolean }>(rtm, "rtm:disconnect", 5000);
        equal(await server.control({ action: "drop" }), 1);
        const disconnect = await lost;
        equal(disconnect.reason, "transport close");
        equal(disconnect.willReconnect, true);
        equal((await ready).reconnected, true);
        equal((await server.log()).engines.length, 2);
      }),
  },
  {
    name: "a closed session stays closed; a new session connects with a new id",
    upstream: `${file} › should reconnect manually (adapted: sessions are single-use)`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const first = probe();
        const id = await first.connected;
        first.session.close();
        await closedWithin(first);
        first.session.open();
        await sleep(50);
        deepEqual(first.trace, ["open", "connect", "close:io client disconnect"]);
        const second = probe();
        ok((await second.connected) !== id, "the new session reused the sid");
      }),
  },
  {
    name: "close(cause) ends the session with `io client disconnect` and hands the caller's cause back",
    upstream: "ours (the client ends a session on its own deadline)",
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        const cause = new Error("the caller's deadline");
        p.session.close(cause);
        const info = await closedWithin(p);
        equal(info.reason, "io client disconnect");
        equal(info.cause, cause);
        equal(info.wasConnected, true);
      }),
  },
  {
    name: "gives up after maxAttempts with a zero open timeout and counts the attempts; giving up is final",
    upstream:
      `${file} › should try to reconnect twice and fail when requested two attempts with immediate timeout and reconnect enabled; ` +
      "should fire reconnect_* events on manager; should fire reconnecting (on manager) with attempts number when reconnecting twice; " +
      "should attempt reconnects after a failed reconnect (adapted)",
    run: (context) =>
      withServer(context, {}, async ({ server, client }) => {
        const rtm = client({ connectTimeoutMs: 0, reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 3 } });
        const attempts: number[] = [];
        rtm.on("rtm:reconnecting", ({ attempt }) => attempts.push(attempt));
        const error = (await rejects(rtm.connect())) as RTMError;
        equal(error.code, "timeout");
        deepEqual(attempts, [2, 3]);
        equal(rtm.state, "closed");
        await sleep(150);
        deepEqual(attempts, [2, 3]);
        ok((await server.log()).requests.length <= 3, "more than maxAttempts handshakes");
        equal(((await rejects(rtm.connect())) as RTMError).code, "closed");
      }),
  },
  {
    name: "the reconnect delay grows every time",
    upstream: `${file} › reconnect delay should increase every time`,
    run: (context) =>
      withServer(context, { mode: "refuse" }, async ({ server, client }) => {
        const policy = { initialDelayMs: 100, factor: 2, jitter: 0.2, maxDelayMs: 10_000, maxAttempts: 4 };
        const rtm = client({ reconnect: policy });
        const delays: number[] = [];
        rtm.on("rtm:reconnecting", ({ delayMs }) => delays.push(delayMs));
        await rejects(rtm.connect());
        equal(delays.length, 3);
        delays.forEach((delay, i) => {
          const base = policy.initialDelayMs * policy.factor ** i;
          ok(delay >= base * 0.8 && delay <= base * 1.2, `delay ${i + 1} is ${delay} ms, outside ${base} ± 20 %`);
          if (i > 0) ok(delay > (delays[i - 1] ?? Infinity), `delays do not increase: ${delays.join(", ")}`);
        });
        const requests = (await server.log()).requests;
        equal(requests.length, 4);
        const gaps = requests.slice(1).map((time, i) => time - (requests[i] ?? 0));
        gaps.forEach((gap, i) => {
          ok(
            gap >= (delays[i] ?? 0) - 20,
            `attempt ${i + 2} came ${gap} ms after the previous, before its ${delays[i]} ms delay`,
          );
          if (i > 0)
            ok(gap > (gaps[i - 1] ?? Infinity), `the gaps between attempts do not increase: ${gaps.join(", ")}`);
        });
      }),
  },
  {
    name: "close() from the first error listener stops reconnection",
    upstream: `${file} › should not reconnect when force closed`,
    run: (context) =>
      withServer(context, { mode: "refuse" }, async ({ server, client }) => {
        const rtm = client();
        let retries = 0;
        rtm.on("rtm:reconnecting", () => (retries += 1));
        rtm.on("rtm:error", () => rtm.close());
        await rejects(rtm.connect());
        await sleep(300);
        const handshakes = (await server.log()).requests.length;
        equal(`${rtm.state}, ${retries} retries, ${handshakes} handshakes`, "closed, 0 retries, 1 handshakes");
      }),
  },
  {
    name: "close() from the disconnect listener stops reconnection",
    upstream: `${file} › should not reconnect when force closed (adapted: a lost ready session)`,
    run: (context) =>
      withServer(context, {}, async ({ server, client }) => {
        const rtm = client();
        await rtm.connect();
        let retries = 0;
        rtm.on("rtm:reconnecting", () => (retries += 1));
        const lost = nextEvent(rtm, "rtm:disconnect", 5000);
        rtm.on("rtm:disconnect", () => rtm.close());
        await server.control({ action: "drop" });
        await lost;
        await sleep(300);
        const handshakes = (await server.log()).requests.length;
        equal(`${rtm.state}, ${retries} retries, ${handshakes} handshakes`, "closed, 0 retries, 1 handshakes");
      }),
  },
  {
    name: "close() while a retry is scheduled stops reconnection",
    upstream: `${file} › should stop reconnecting when force closed`,
    run: (context) =>
      withServer(context, { mode: "refuse" }, async ({ server, client }) => {
        const rtm = client();
        let retries = 0;
        rtm.on("rtm:reconnecting", () => {
          retries += 1;
          rtm.close();
        });
        await rejects(rtm.connect());
        await sleep(300);
        equal(retries, 1);
        equal((await server.log()).requests.length, 1);
      }),
  },
  {
    name: "no reconnect attempt once connected to a working server",
    upstream: `${file} › should not try to reconnect and should form a connection when connecting to correct port with default timeout`,
    run: (context) =>
      withServer(context, {}, async ({ server, client }) => {
        const rtm = client();
        let retries = 0;
        rtm.on("rtm:reconnecting", () => (retries += 1));
        await rtm.connect();
        await sleep(200);
        equal(retries, 0);
        equal(rtm.state, "ready");
        equal((await server.log()).requests.length, 1);
      }),
  },
  {
    name: "gives up after maxAttempts against an address nobody listens on",
    upstream: `${file} › should try to reconnect twice and fail when requested two attempts with incorrect address and reconnect enabled`,
    run: (context) =>
      withServer(context, {}, async ({ server, client }) => {
        const rtm = client({
          endpoint: server.deadOrigin + server.path,
          reconnect: { initialDelayMs: 10, maxDelayMs: 50, maxAttempts: 3 },
        });
        const attempts: number[] = [];
        rtm.on("rtm:reconnecting", ({ attempt }) => attempts.push(attempt));
        const error = (await rejects(rtm.connect())) as RTMError;
        equal(error.code, "connection_failed");
        deepEqual(attempts, [2, 3]);
        await sleep(100);
        deepEqual(attempts, [2, 3]);
      }),
  },
  {
    name: "with reconnect: false a failed attempt is not retried",
    upstream: `${file} › should not try to reconnect with incorrect port when reconnection disabled`,
    run: (context) =>
      withServer(context, {}, async ({ server, client }) => {
        const rtm = client({ endpoint: server.deadOrigin + server.path, reconnect: false });
        let retries = 0;
        rtm.on("rtm:reconnecting", () => (retries += 1));
        await rejects(rtm.connect());
        await sleep(100);
        equal(retries, 0);
        equal(rtm.state, "closed");
      }),
  },
  {
    name: "close() sends exactly CONNECT then DISCONNECT; the server sees a client namespace disconnect",
    upstream: `${file} › should not reopen a cached but active socket (adapted: the packets a session writes)`,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        p.session.close();
        await waitFor(
          async () => (await server.log()).sockets[0]?.disconnectReason,
          3000,
          "the server-side disconnect",
        );
        const log = await server.log();
        deepEqual(log.engines[0]?.packets, ["0", "1"]);
        equal(log.sockets[0]?.disconnectReason, "client namespace disconnect");
      }),
  },
  {
    name: "a binary event ends the session with parse error (binary is refused by design)",
    upstream: `${file} › should get binary data (as an ArrayBuffer) (adapted: refused)`,
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("attachments", 1);
        const info = await closedWithin(p);
        equal(info.reason, "parse error");
        ok(!p.events.some((event) => event.name === "hello"), "the binary event was delivered");
      }),
  },
];
