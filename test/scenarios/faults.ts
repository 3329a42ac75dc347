import type { CrispRTM, CrispRTMOptions, RTMError, RTMLifecycleEvents, WebSocketConstructor } from "../../src/index.js";
import { deepEqual, equal, errorText, ok, rejects } from "./assert.js";
import { clientScenarios } from "./client.js";
import { type Scenario, type ScenarioContext, withEmulator } from "./context.js";
import type { Emulator } from "./emulator.js";
import { sleep, waitFor } from "./wait.js";

const message = (content: string) => ({ type: "text", from: "user", origin: "chat", content, user: {} });

/** What `POST /_emulator/flood` answers. */
interface FloodResult {
  sent: number;
  delivered: number;
  firstFingerprint: number;
  lastFingerprint: number;
}

/** Everything a client reported through its lifecycle events, in order. */
interface Trace {
  errors: RTMError[];
  reconnecting: { attempt: number; delayMs: number; code: string | undefined }[];
  disconnects: RTMLifecycleEvents["rtm:disconnect"][];
  readies: RTMLifecycleEvents["rtm:ready"][];
  closes: RTMLifecycleEvents["rtm:close"][];
  /** When each attempt started opening a socket (`rtm:state` → `connecting`). */
  opened: number[];
  codes(): string[];
}

function trace(rtm: CrispRTM): Trace {
  const t: Trace = {
    errors: [],
    reconnecting: [],
    disconnects: [],
    readies: [],
    closes: [],
    opened: [],
    codes: () => t.errors.map((error) => error.code),
  };
  rtm.on("rtm:state", ({ state }) => {
    if (state === "connecting") t.opened.push(Date.now());
  });
  rtm.on("rtm:error", (error) => t.errors.push(error));
  rtm.on("rtm:reconnecting", ({ attempt, delayMs, error }) =>
    t.reconnecting.push({ attempt, delayMs, code: error?.code }),
  );
  rtm.on("rtm:disconnect", (info) => t.disconnects.push(info));
  rtm.on("rtm:ready", (info) => t.readies.push(info));
  rtm.on("rtm:close", (info) => t.closes.push(info));
  return t;
}

/** Fails unless `values` strictly increase; returns the holes as [last before, first after] pairs. */
function gapsOf(values: readonly number[]): [number, number][] {
  const gaps: [number, number][] = [];
  for (let i = 1; i < values.length; i += 1) {
    const previous = values[i - 1] as number;
    const current = values[i] as number;
    ok(current > previous, `out of order or duplicated: ${current} after ${previous} (index ${i})`);
    if (current !== previous + 1) gaps.push([previous, current]);
  }
  return gaps;
}

/** The WebSocket the runtime's clients use (a runtime may give its own, e.g. workerd's fetch + Upgrade). */
function baseWebSocket(context: ScenarioContext): WebSocketConstructor {
  return context.clientOptions?.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor);
}

/** A WebSocket constructor that records every URL it opens, then opens it with `base`. */
function spyWebSocket(base: WebSocketConstructor, urls: string[]): WebSocketConstructor {
  return class SpyWebSocket extends base {
    constructor(url: string, protocols?: string | string[]) {
      urls.push(String(url));
      if (protocols === undefined) super(url);
      else super(url, protocols);
    }
  };
}

/** A fetch that records every URL it requests. */
function spyFetch(urls: string[]): typeof fetch {
  return (input, init) => {
    urls.push(input instanceof Request ? input.url : String(input));
    return globalThis.fetch(input, init);
  };
}

/** The transport/session faults that make one attempt time out, and how to turn each off. */
const TIMEOUT_FAULTS = {
  stall: { on: ["stall", { enabled: true }], off: ["stall", { enabled: false }] },
  "no-connect-ack": { on: ["no-connect-ack", { enabled: true }], off: ["no-connect-ack", { enabled: false }] },
  "ignore-auth": { on: ["ignore-auth", { enabled: true }], off: ["ignore-auth", { enabled: false }] },
} as const;

/**
 * A fault makes every attempt time out: the client reports `timeout`, waits 50, 100, 200 ms between attempts
 * (no jitter here, so the schedule is exact), opens one TCP connection per attempt, and connects as soon as the
 * fault is gone. The spacing is checked on the client's attempts: the TCP log cannot show it in Node, whose
 * WebSocket (undici) opens a new connection as soon as a handshake is abandoned, and uses it for the next one.
 */
function timesOutThenRecovers(
  context: ScenarioContext,
  fault: keyof typeof TIMEOUT_FAULTS,
  what: RegExp,
): Promise<void> {
  return withEmulator(context, {}, async (emulator, client) => {
    const [op, body] = TIMEOUT_FAULTS[fault].on;
    await emulator.control(op, body);
    // Only the phase under test gets the short deadline, so a busy machine cannot time out an earlier phase.
    const rtm = client({
      connectTimeoutMs: fault === "ignore-auth" ? 5000 : 250,
      authTimeoutMs: 250,
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, factor: 2, jitter: 0, stableAfterMs: 0 },
    });
    rtm.on("message:send", () => {});
    const t = trace(rtm);
    const connecting = rtm.connect();
    connecting.catch(() => {});
    await waitFor(() => t.errors.length >= 3, 6000, "three timed-out attempts");
    const { tcpLog } = await emulator.state();
    deepEqual(t.codes().slice(0, 3), ["timeout", "timeout", "timeout"]);
    ok(what.test(t.errors[0]?.message ?? ""), `unexpected message: ${t.errors[0]?.message}`);
    deepEqual(
      t.reconnecting.slice(0, 3).map((r) => [r.attempt, r.delayMs]),
      [
        [2, 50],
        [3, 100],
        [4, 200],
      ],
    );
    // One connection per attempt, and the attempt in progress; Node's undici may hold one more, opened ahead.
    ok(tcpLog.length <= t.errors.length + 2, `${tcpLog.length} TCP connections for ${t.errors.length} failed attempts`);
    for (let i = 1; i < 3; i += 1) {
      const spacing = (t.opened[i] as number) - (t.opened[i - 1] as number);
      const expected = 250 + 50 * 2 ** (i - 1);
      ok(
        spacing >= expected - 20,
        `attempt ${i + 1} came ${spacing} ms after the previous one (expected >= ${expected})`,
      );
    }
    const [offOp, offBody] = TIMEOUT_FAULTS[fault].off;
    await emulator.control(offOp, offBody);
    await connecting;
    equal(rtm.state, "ready");
  });
}

async function revokeToken(emulator: Emulator): Promise<void> {
  await emulator.control("revoke", { identifier: emulator.token.identifier });
}

/**
 * Fault scenarios against the emulator: each runs in Chromium, Deno, Node and workerd (both ways workerd opens a
 * socket). Timeouts are short (emulator heartbeats of 200 ms, client deadlines of 300–500 ms, fast reconnect) so
 * the whole list stays within seconds per runtime.
 */
/** The fault scenarios, then the client's own promises (test/scenarios/client.ts). */
export const faultScenarios: Scenario[] = [
  {
    name: "server restart mid-stream: in-order delivery on both sides of one gap, covered by the reported downtime",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const rtm = client({ events: ["message:send"], rooms: [site] });
        const t = trace(rtm);
        const got: { fingerprint: number; timestamp: number }[] = [];
        rtm.on("message:send", (m) => got.push({ fingerprint: m.fingerprint, timestamp: m.timestamp }));
        await rtm.connect();
        const flood = emulator.control<FloodResult>("flood", {
          event: "message:send",
          website_id: site,
          count: 250,
          intervalMs: 4,
        });
        await waitFor(() => got.length >= 40, 5000, "the first events of the stream");
        await emulator.control("restart", { downMs: 300 });
        const result = await flood;
        await waitFor(() => got.at(-1)?.fingerprint === result.lastFingerprint, 5000, "the last event of the stream");
        equal(got[0]?.fingerprint, result.firstFingerprint, "the stream is received from its first event");
        const gaps = gapsOf(got.map((g) => g.fingerprint));
        equal(gaps.length, 1, `one gap expected, got ${JSON.stringify(gaps)}`);
        equal(t.disconnects.length, 1);
        equal(t.readies.length, 2);
        const downtime = t.readies[1]?.downtime;
        ok(downtime, "rtm:ready reports the downtime after the reconnect");
        ok(
          downtime.since <= (t.disconnects[0]?.at ?? 0),
          "the downtime starts at the last frame, before rtm:disconnect",
        );
        equal(downtime.ms, downtime.until - downtime.since);
        // The missing events were emitted between the last one before the gap and the first one after it: that
        // span must lie within the reported window (1 s of slack for timers and I/O).
        const [before, after] = gaps[0] as [number, number];
        const sentBefore = got.find((g) => g.fingerprint === before)?.timestamp ?? NaN;
        const sentAfter = got.find((g) => g.fingerprint === after)?.timestamp ?? NaN;
        ok(
          sentBefore >= downtime.since - 1000 && sentAfter <= downtime.until + 1000,
          `gap ${sentBefore}..${sentAfter} outside the downtime ${downtime.since}..${downtime.until}`,
        );
      }),
  },
  {
    name: "all sockets dropped, then a server-side disconnect of all: every client reconnects and reports its downtime",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const clients = [client(), client(), client()];
        const traces = clients.map(trace);
        for (const rtm of clients) rtm.on("message:send", () => {});
        await Promise.all(clients.map((rtm) => rtm.connect()));
        equal((await emulator.control<{ dropped: number }>("drop")).dropped, 3);
        await waitFor(() => traces.every((t) => t.readies.length === 2), 8000, "three reconnects after the drop");
        equal((await emulator.control<{ disconnected: number }>("disconnect-all")).disconnected, 3);
        await waitFor(() => traces.every((t) => t.readies.length === 3), 8000, "three reconnects after the disconnect");
        for (const t of traces) {
          // A connection destroyed without a close frame ends as `transport close`, or `transport error` where the
          // runtime fires `error` first (Deno).
          ok(
            ["transport close", "transport error"].includes(t.disconnects[0]?.reason ?? ""),
            `drop: ${t.disconnects[0]?.reason}`,
          );
          equal(t.disconnects[1]?.reason, "io server disconnect");
          deepEqual(
            t.disconnects.map((d) => d.willReconnect),
            [true, true],
          );
          t.readies.slice(1).forEach((ready, i) => {
            equal(ready.reconnected, true);
            ok((ready.downtime?.since ?? Infinity) <= (t.disconnects[i]?.at ?? 0));
            ok((ready.downtime?.ms ?? -1) >= 0);
          });
        }
        const { connections } = await emulator.state();
        equal(connections.filter((c) => c.authenticated).length, 3);
      }),
  },
  {
    name: "half-open server (no pings): detected within pingInterval + pingTimeout, then reconnects",
    run: (context) =>
      withEmulator(context, { pingInterval: 200, pingTimeout: 200 }, async (emulator, client) => {
        const rtm = client({ connectTimeoutMs: 500 });
        rtm.on("message:send", () => {});
        const t = trace(rtm);
        await rtm.connect();
        await sleep(250);
        const started = Date.now();
        await emulator.control("half-open", { enabled: true });
        await waitFor(() => t.disconnects.length === 1, 3000, "the heartbeat to expire");
        const detectedAfter = (t.disconnects[0]?.at ?? Infinity) - started;
        equal(t.disconnects[0]?.reason, "ping timeout");
        // The last ping came at most pingInterval before `started`; the client waits pingInterval + pingTimeout
        // after it. 250 ms of slack for timers and I/O.
        ok(detectedAfter <= 200 + 200 + 250, `detected after ${detectedAfter} ms`);
        await emulator.control("half-open", { enabled: false });
        await waitFor(() => rtm.state === "ready", 5000, "ready again");
        equal(t.readies.length, 2);
      }),
  },
  {
    name: "server accepts TCP but never answers the WebSocket handshake: connect timeout, polite retries, recovery",
    run: (context) => timesOutThenRecovers(context, "stall", /handshake/),
  },
  {
    name: "namespace CONNECT never acknowledged: connect timeout, polite retries, recovery",
    run: (context) => timesOutThenRecovers(context, "no-connect-ack", /CONNECT/),
  },
  {
    name: "authentication never answered: auth timeout, polite retries, recovery",
    run: (context) => timesOutThenRecovers(context, "ignore-auth", /authentication/),
  },
  {
    name: "token revoked, then the socket dropped: one reconnect attempt, `unauthorized` surfaced, stopped for good",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const rtm = client();
        rtm.on("message:send", () => {});
        const t = trace(rtm);
        await rtm.connect();
        await revokeToken(emulator);
        await emulator.control("drop");
        await waitFor(() => t.closes.length === 1, 5000, "rtm:close");
        equal(t.closes[0]?.error?.code, "unauthorized");
        deepEqual(t.codes(), ["unauthorized"]);
        deepEqual(
          t.disconnects.map((d) => d.willReconnect),
          [true],
        );
        equal(t.reconnecting.length, 1, "one reconnect scheduled");
        equal(rtm.state, "closed");
        equal(((await rejects(rtm.connect())) as RTMError).code, "closed");
        await sleep(400);
        const state = await emulator.state();
        equal(state.counters.authentications, 2, "the first authentication and one after the reconnect");
        equal(state.tcpLog.length, 2);
        equal(state.restLog.length, 1);
      }),
  },
  {
    name: "token revoked during an outage: the rediscovery's 401 stops the client",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const rtm = client();
        rtm.on("message:send", () => {});
        const t = trace(rtm);
        await rtm.connect();
        await revokeToken(emulator);
        await emulator.control("refuse", { mode: "reset" });
        await emulator.control("drop");
        await waitFor(() => t.closes.length === 1, 8000, "rtm:close");
        const error = t.closes[0]?.error;
        equal(error?.code, "unauthorized");
        equal(error?.status, 401);
        const tcp = (await emulator.state()).tcpLog.length;
        await sleep(400);
        const state = await emulator.state();
        deepEqual(
          state.restLog.map((r) => r.status),
          [200, 401],
        );
        equal(state.tcpLog.length, tcp, "no attempt after the 401");
      }),
  },
  {
    name: "connection limit reached (the server kicks): the client backs off instead of hammering, then gets in",
    run: (context) =>
      withEmulator(context, { connectionLimit: 1 }, async (emulator, client) => {
        const holder = client();
        holder.on("message:send", () => {});
        await holder.connect();
        const rtm = client({
          reconnect: { initialDelayMs: 50, maxDelayMs: 400, factor: 2, jitter: 0, stableAfterMs: 0 },
        });
        rtm.on("message:send", () => {});
        const t = trace(rtm);
        const started = Date.now();
        const connecting = rtm.connect();
        connecting.catch(() => {});
        const kickedCount = async () => (await emulator.state()).auths.filter((a) => a.result === "kicked").length;
        await waitFor(async () => (await kickedCount()) >= 3, 8000, "three kicked attempts");
        // Attempts at about 0, 50, 150, 350 and 750 ms: the third no sooner than 150 ms, and at most 5 in 1 s,
        // where an immediate retry loop makes hundreds (a slow machine only makes fewer).
        ok(Date.now() - started >= 150, `three attempts kicked within ${Date.now() - started} ms`);
        await sleep(Math.max(0, 1000 - (Date.now() - started)));
        const kicked = await kickedCount();
        const elapsed = Date.now() - started;
        // The most the backoff allows by then (delays 50, 100, 200, then 400 ms), plus one for the attempt in flight.
        let allowed = 2;
        for (let at = 50, delay = 50; at <= elapsed; delay = Math.min(delay * 2, 400), at += delay) allowed += 1;
        ok(kicked <= allowed, `${kicked} attempts kicked in ${elapsed} ms (at most ${allowed} expected)`);
        deepEqual(
          t.reconnecting.slice(0, 4).map((r) => r.delayMs),
          [50, 100, 200, 400],
        );
        equal(holder.state, "ready", "the first client keeps its slot");
        holder.close();
        await connecting;
        equal(rtm.state, "ready");
      }),
  },
  {
    name: "REST 401 and 403: `unauthorized` with the status after one request, no retry",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        for (const status of [401, 403]) {
          await emulator.control("reset");
          await emulator.control("rest-mode", { mode: String(status) });
          const rtm = client();
          rtm.on("message:send", () => {});
          const t = trace(rtm);
          const error = (await rejects(rtm.connect())) as RTMError;
          equal(error.code, "unauthorized");
          equal(error.status, status);
          await sleep(200);
          equal((await emulator.state()).restLog.length, 1, `one request for ${status}`);
          equal(t.reconnecting.length, 0);
          equal(rtm.state, "closed");
        }
      }),
  },
  {
    name: "REST 429: the next discovery waits for Retry-After",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        await emulator.control("rest-mode", { mode: "429", retryAfter: 1, count: 1 });
        const rtm = client();
        rtm.on("message:send", () => {});
        const t = trace(rtm);
        await rtm.connect();
        deepEqual(t.codes(), ["rate_limited"]);
        equal(t.errors[0]?.retryAfterMs, 1000);
        ok((t.reconnecting[0]?.delayMs ?? 0) >= 1000, "the retry is scheduled after Retry-After");
        const [first, second] = (await emulator.state()).restLog;
        deepEqual([first?.status, second?.status], [429, 200]);
        const spacing = Number(second?.at) - Number(first?.at);
        ok(spacing >= 950, `the second discovery came ${spacing} ms after the 429`);
      }),
  },
  {
    name: "REST 500, 503, timeout, invalid JSON and a missing socket.app: reported, retried with backoff, then connects",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const cases: [string, string][] = [
          ["500", "discovery_failed"],
          ["503", "discovery_failed"],
          ["timeout", "timeout"],
          ["invalid-json", "discovery_failed"],
          ["missing-app", "discovery_failed"],
        ];
        for (const [mode, code] of cases) {
          await emulator.control("reset");
          await emulator.control("rest-mode", { mode, count: 1 });
          const rtm = client({ discoveryTimeoutMs: 300 });
          rtm.on("message:send", () => {});
          const t = trace(rtm);
          await rtm.connect();
          deepEqual(t.codes(), [code], `errors for ${mode}`);
          ok((t.reconnecting[0]?.delayMs ?? 0) > 0, `a backoff delay after ${mode}`);
          equal((await emulator.state()).restLog.length, 2, `two discoveries for ${mode}`);
          rtm.close();
        }
      }),
  },
  {
    name: "endpoint flips to a rescue host: after repeated failures the client rediscovers and connects through `rescue`",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const urls: string[] = [];
        const rtm = client({ WebSocket: spyWebSocket(baseWebSocket(context), urls) });
        rtm.on("message:send", () => {});
        const t = trace(rtm);
        await rtm.connect();
        equal(t.readies[0]?.endpoint, emulator.info.rtmUrl);
        await emulator.control("rest-mode", { mode: "rescue" });
        await emulator.control("refuse", { mode: "reset" });
        await emulator.control("drop");
        await waitFor(async () => (await emulator.state()).restLog.length >= 2, 8000, "the rediscovery");
        await emulator.control("refuse", { mode: "off" });
        await waitFor(() => t.readies.length === 2, 8000, "ready through the rescue host");
        const { restLog } = await emulator.state();
        equal(restLog[1]?.fault, "rescue", "the second discovery answered a dead socket.app and a live rescue");
        const rtmPort = new URL(emulator.info.rtmUrl).port;
        const dead = urls.findIndex((url) => new URL(url).port !== rtmPort);
        ok(dead > 0, `the dead socket.app was tried: ${urls.join(" ")}`);
        ok(urls.at(-1)?.startsWith(emulator.info.rtmUrl), "the last socket went to the rescue host");
        equal(t.readies[1]?.endpoint, emulator.info.rtmUrl);
      }),
  },
  {
    name: "no loss while connected: a 10,000-event flood at full speed arrives once, in order, fingerprints contiguous",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const rtm = client({ events: ["message:send"], rooms: [site] });
        const t = trace(rtm);
        const fingerprints: number[] = [];
        rtm.on("message:send", (m) => fingerprints.push(m.fingerprint));
        await rtm.connect();
        const count = 10_000;
        const result = await emulator.control<FloodResult>("flood", { event: "message:send", website_id: site, count });
        equal(result.delivered, count);
        await waitFor(() => fingerprints.length >= count, 20_000, `${count} events`);
        await sleep(50);
        equal(fingerprints.length, count, "each event once");
        equal(fingerprints[0], result.firstFingerprint);
        equal(fingerprints.at(-1), result.lastFingerprint);
        deepEqual(gapsOf(fingerprints), [], "fingerprints contiguous");
        equal(t.disconnects.length, 0);
      }),
  },
  {
    name: "a frame over maxPayloadLength ends the session (`payload_too_large`), the client reconnects and goes on",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const rtm = client({ maxPayloadLength: 4096, rooms: [site] });
        const got: string[] = [];
        rtm.on("message:send", (m) => got.push(String(m.content)));
        const t = trace(rtm);
        await rtm.connect();
        await emulator.inject("message:send", message("x".repeat(10_000)), site);
        await waitFor(() => t.readies.length === 2, 5000, "the reconnect");
        deepEqual(t.codes(), ["payload_too_large"]);
        equal(t.disconnects[0]?.reason, "payload too large");
        await emulator.inject("message:send", message("small"), site);
        await waitFor(() => got.length > 0, 5000, "the next event");
        deepEqual(got, ["small"]);
      }),
  },
  {
    name: "secrets: the token is in no URL, error or lifecycle event on the failure paths",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const { identifier, key } = emulator.token;
        const secrets = [identifier, key, btoa(`${identifier}:${key}`), encodeURIComponent(key)];
        const urls: string[] = [];
        const texts: string[] = [];
        const spies: Partial<CrispRTMOptions> = {
          WebSocket: spyWebSocket(baseWebSocket(context), urls),
          fetch: spyFetch(urls),
        };
        const watched = (extra: Partial<CrispRTMOptions> = {}) => {
          const rtm = client({ ...spies, ...extra });
          rtm.on("message:send", () => {});
          rtm.on("rtm:error", (error) => texts.push(errorText(error)));
          for (const name of ["rtm:state", "rtm:disconnect", "rtm:reconnecting", "rtm:ready", "rtm:close"] as const) {
            rtm.on(name, (info: unknown) => texts.push(errorText(info)));
          }
          return rtm;
        };
        // REST failures that are retried, then the fatal one.
        for (const [mode, extra] of [
          ["500", {}],
          ["429", { retryAfter: 0 }],
          ["timeout", {}],
          ["invalid-json", {}],
          ["missing-app", {}],
        ] as const) {
          await emulator.control("rest-mode", { mode, count: 1, ...extra });
          const rtm = watched({ discoveryTimeoutMs: 300 });
          await rtm.connect();
          rtm.close();
        }
        await emulator.control("rest-mode", { mode: "401", count: 1 });
        texts.push(errorText(await rejects(watched().connect())));
        // Session failures on one client: timeouts of each step, a malformed frame, then the token revoked.
        const rtm = watched({ connectTimeoutMs: 300, authTimeoutMs: 300 });
        const t = trace(rtm);
        await rtm.connect();
        for (const fault of Object.keys(TIMEOUT_FAULTS) as (keyof typeof TIMEOUT_FAULTS)[]) {
          const timeouts = t.codes().filter((code) => code === "timeout").length;
          const { on, off } = TIMEOUT_FAULTS[fault];
          await emulator.control(on[0], on[1]);
          await emulator.control("drop");
          await waitFor(
            () => t.codes().filter((code) => code === "timeout").length > timeouts,
            5000,
            `a timeout (${fault})`,
          );
          await emulator.control(off[0], off[1]);
          await waitFor(() => rtm.state === "ready", 5000, `ready again after ${fault}`);
        }
        await emulator.control("malformed", { frame: '2["message:send"' });
        await waitFor(
          () => t.codes().includes("protocol_error") && rtm.state === "ready",
          5000,
          "a protocol error and a reconnect",
        );
        await revokeToken(emulator);
        await emulator.control("drop");
        await waitFor(() => rtm.state === "closed", 5000, "the client to stop");
        deepEqual([...new Set(t.codes())].sort(), ["protocol_error", "timeout", "unauthorized"]);
        ok(urls.length >= 12, `${urls.length} URLs seen`);
        ok(texts.length >= 40, `${texts.length} errors and lifecycle events seen`);
        for (const text of [...urls, ...texts]) {
          for (const secret of secrets) ok(!text.includes(secret), `a secret leaked into: ${text.slice(0, 300)}`);
        }
      }),
  },
  ...clientScenarios,
];
