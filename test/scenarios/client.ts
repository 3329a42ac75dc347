import type { CrispRTMOptions, RTMError, RTMLifecycleEvents } from "../../src/index.js";
import { deepEqual, equal, errorText, ok, rejects } from "./assert.js";
import { type Scenario, withEmulator } from "./context.js";
import { sleep, waitFor } from "./wait.js";

const message = (content: string) => ({ type: "text", from: "user", origin: "chat", content, user: {} });

/** What `POST /_emulator/inject` answers. */
interface Injected {
  delivered: number;
  payload: { timestamp: number; content: string };
}

/** Fails unless `run` throws an RTMError of `code` whose message matches `what`; returns it. */
function throws(run: () => unknown, code: string, what: RegExp): RTMError {
  try {
    run();
  } catch (error) {
    const rtmError = error as RTMError;
    equal(rtmError.code, code);
    ok(what.test(rtmError.message), `unexpected message: ${rtmError.message}`);
    return rtmError;
  }
  throw new Error("expected an exception");
}

/**
 * The client's promises, checked in every runtime: one code per cause, no secret even when the server repeats
 * it, websites that subscribe later, a deadline on the first connection, diagnostics, honest downtime.
 */
export const clientScenarios: Scenario[] = [
  {
    name: "a signal aborted before connect() or while idle: connect() rejects with `aborted`, no request made",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const early = client({ signal: AbortSignal.abort() });
        equal(((await rejects(early.connect())) as RTMError).code, "aborted");
        const controller = new AbortController();
        const idle = client({ signal: controller.signal });
        const closes: RTMLifecycleEvents["rtm:close"][] = [];
        idle.on("rtm:close", (info) => closes.push(info));
        controller.abort();
        equal(closes[0]?.error?.code, "aborted");
        equal(((await rejects(idle.connect())) as RTMError).code, "aborted");
        const closed = client();
        closed.close();
        equal(((await rejects(closed.connect())) as RTMError).code, "closed", "close() still means `closed`");
        equal((await emulator.state()).restLog.length, 0);
      }),
  },
  {
    name: "options: an unknown one throws `invalid_options` naming it; firstConnectTimeoutMs takes Infinity",
    run: (context) =>
      withEmulator(context, {}, async (_emulator, client) => {
        throws(
          () => client({ firstConnectTimeout: 5 } as Partial<CrispRTMOptions>),
          "invalid_options",
          /firstConnectTimeout\b/,
        );
        throws(
          () => client({ reconnect: { initialDelay: 5 } } as Partial<CrispRTMOptions>),
          "invalid_options",
          /reconnect\.initialDelay\b/,
        );
        throws(() => client({ firstConnectTimeoutMs: -1 }), "invalid_options", /firstConnectTimeoutMs/);
        const patient = client({ firstConnectTimeoutMs: Infinity });
        patient.on("message:send", () => {});
        await patient.connect();
        equal(patient.state, "ready");
      }),
  },
  {
    name: "no WebSocket in the runtime: connect() rejects with `invalid_options` naming the fix, before any request",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const global = globalThis as { WebSocket?: unknown };
        const saved = global.WebSocket;
        let error: RTMError;
        try {
          global.WebSocket = undefined;
          const rtm = client({ WebSocket: undefined } as unknown as Partial<CrispRTMOptions>);
          rtm.on("message:send", () => {});
          error = (await rejects(rtm.connect())) as RTMError;
          equal(rtm.state, "closed");
        } finally {
          global.WebSocket = saved;
        }
        equal(error.code, "invalid_options");
        ok(
          /WebSocket option/.test(error.message) && /node --experimental-websocket/.test(error.message),
          error.message,
        );
        equal((await emulator.state()).restLog.length, 0, "no discovery request");
      }),
  },
  {
    name: "firstConnectTimeoutMs: a first connection that keeps failing rejects with the last failure's error and closes",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        await emulator.control("rest-mode", { mode: "500" });
        const rtm = client({ firstConnectTimeoutMs: 600 });
        rtm.on("message:send", () => {});
        const codes: string[] = [];
        rtm.on("rtm:error", (error) => codes.push(error.code));
        const started = Date.now();
        const error = (await rejects(rtm.connect())) as RTMError;
        const elapsed = Date.now() - started;
        ok(elapsed >= 550 && elapsed < 3000, `rejected after ${elapsed} ms`);
        equal(error.code, "discovery_failed");
        ok(/no connection in 600 ms/.test(error.message) && /HTTP 500/.test(error.message), error.message);
        equal(rtm.state, "closed");
        ok(codes.length >= 2 && codes.every((code) => code === "discovery_failed"), codes.join());
        const requests = (await emulator.state()).restLog.length;
        ok(requests >= 2, `${requests} discoveries`);
        await sleep(400);
        equal((await emulator.state()).restLog.length, requests, "nothing more once closed");
      }),
  },
  {
    name: "an untrusted TLS certificate: the first connection's error says so",
    // Chromium hides why a request failed ("Failed to fetch"), and so does workerd; Node and Deno word it
    // differently (`unable to get local issuer certificate`, `invalid peer certificate: UnknownIssuer`).
    runtimes: ["node", "deno"],
    run: (context) =>
      // A certificate directory of its own: a fresh CA that no runtime of the test run trusts.
      withEmulator(context, { tls: true, certDir: ".cache/emulator-tls-untrusted" }, async (emulator, client) => {
        const rtm = client({ firstConnectTimeoutMs: 500 });
        rtm.on("message:send", () => {});
        const error = (await rejects(rtm.connect())) as RTMError;
        equal(error.code, "discovery_failed");
        ok(/untrusted TLS certificate/.test(error.message), error.message);
        // Straight to the socket: Deno's WebSocket names the certificate in its error event (then the message must
        // say so too), Node's does not ("Received network error or non-101 status code").
        const direct = client({ firstConnectTimeoutMs: 500, endpoint: emulator.info.rtmUrl });
        direct.on("message:send", () => {});
        const socketError = (await rejects(direct.connect())) as RTMError;
        equal(socketError.code, "connection_failed");
        const told = /certificate/i.test(errorText(socketError.cause));
        ok(!told || /untrusted TLS certificate/.test(socketError.message), socketError.message);
      }),
  },
  {
    name: "a website that installs the plugin mid-session: its events arrive without user code; rebind() on demand",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const { identifier, websites } = emulator.token;
        const rtm = client({ bindIntervalMs: 100 });
        const got: string[] = [];
        rtm.on("message:send", (m) => got.push(`${m.website_id}:${m.type === "text" ? m.content : "?"}`));
        await rtm.connect();
        ok(
          rtm.filters.events.includes("plugin:subscription:updated"),
          "the plugin tier always asks for the subscription event",
        );
        const added = "dddddddd-0000-4000-8000-00000000000d";
        const answer = await emulator.control<{ notified: number }>("token-websites", {
          identifier,
          websites: [...websites, added],
        });
        equal(answer.notified, 1);
        await waitFor(async () => (await emulator.state()).binds.length === 1, 5000, "the automatic bind");
        const bind = (await emulator.state()).binds[0] as { kind: string; payload: Record<string, unknown> };
        equal(bind.kind, "socket:bind");
        deepEqual(bind.payload, {}, "`{}`: re-read the websites, keep the events");
        equal(await emulator.inject("message:send", message("new website"), added), 1);
        await waitFor(() => got.length === 1, 5000, "the new website's event");
        deepEqual(got, [`${added}:new website`]);
        // rebind() on demand sends the same `{}`.
        await rtm.rebind();
        await waitFor(async () => (await emulator.state()).binds.length === 2, 5000, "the bind of rebind()");
        deepEqual((await emulator.state()).binds[1]?.payload, {});
      }),
  },
  {
    name: "on() for an event the tier never receives: one `unavailable_event` rtm:error",
    run: (context) =>
      withEmulator(context, {}, async (_emulator, client) => {
        const rtm = client();
        const errors: RTMError[] = [];
        rtm.on("spam:message", () => {});
        rtm.on("rtm:error", (error) => errors.push(error));
        rtm.on("spam:message", () => {});
        rtm.on("message:send", () => {});
        rtm.once("campaign:progress", () => {});
        await sleep(10);
        deepEqual(
          errors.map((error) => error.code),
          ["unavailable_event", "unavailable_event"],
        );
        ok(/plugin tokens never receive spam:message/.test(errors[0]?.message ?? ""), errors[0]?.message);
        rtm.on("spam:message", () => {});
        await sleep(10);
        equal(errors.length, 2, "once per name");
      }),
  },
  {
    name: "a server that echoes the credentials: REST reasons, unauthorized, CONNECT_ERROR all redacted",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const { identifier, key } = emulator.token;
        const secrets = [identifier, key, btoa(`${identifier}:${key}`)];
        const texts: string[] = [];
        const watched = (extra: Partial<CrispRTMOptions> = {}) => {
          const rtm = client(extra);
          rtm.on("message:send", () => {});
          for (const name of ["rtm:error", "rtm:disconnect", "rtm:reconnecting", "rtm:ready", "rtm:close"] as const) {
            rtm.on(name, (info: unknown) => texts.push(errorText(info)));
          }
          return rtm;
        };
        await emulator.control("echo-credentials", { enabled: true });
        // A retried REST failure, then a fatal one.
        await emulator.control("rest-mode", { mode: "500", count: 1 });
        const retried = watched();
        await retried.connect();
        retried.close();
        await emulator.control("revoke", { identifier });
        texts.push(errorText(await rejects(watched().connect())));
        // The socket's `unauthorized`, and a CONNECT_ERROR that quotes every form.
        texts.push(errorText(await rejects(watched({ endpoint: emulator.info.rtmUrl }).connect())));
        await emulator.control("revoke", { identifier, revoked: false });
        await emulator.control("middleware-error", { message: `refused ${secrets.join(" ")}` });
        texts.push(errorText(await rejects(watched({ endpoint: emulator.info.rtmUrl }).connect())));
        const all = texts.join("\n");
        ok((all.match(/\[redacted\]/g) ?? []).length >= 4, `the server's echoes were redacted: ${all.slice(0, 500)}`);
        for (const secret of secrets) ok(!all.includes(secret), `a secret leaked: ${all.slice(0, 1000)}`);
      }),
  },
  {
    name: "half-open server: every event sent after the last frame the client got lies inside the reported downtime",
    run: (context) =>
      withEmulator(context, { pingInterval: 200, pingTimeout: 200 }, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const rtm = client({ connectTimeoutMs: 500, rooms: [site] });
        const got: string[] = [];
        rtm.on("message:send", (m) => got.push(m.type === "text" ? m.content : "?"));
        const readies: RTMLifecycleEvents["rtm:ready"][] = [];
        const disconnects: RTMLifecycleEvents["rtm:disconnect"][] = [];
        rtm.on("rtm:ready", (info) => readies.push(info));
        rtm.on("rtm:disconnect", (info) => disconnects.push(info));
        await rtm.connect();
        const inject = (content: string) =>
          emulator.control<Injected>("inject", { event: "message:send", payload: message(content), website_id: site });
        await inject("before");
        await waitFor(() => got.length === 1, 5000, "the first event");
        await emulator.control("half-open", { enabled: true });
        const lost: number[] = [];
        for (const content of ["lost 1", "lost 2", "lost 3"]) {
          lost.push((await inject(content)).payload.timestamp);
          await sleep(60);
        }
        await waitFor(() => disconnects.length === 1, 3000, "the heartbeat to expire");
        await emulator.control("half-open", { enabled: false });
        await waitFor(() => readies.length === 2, 5000, "ready again");
        deepEqual(got, ["before"], "the events sent while half-open never arrived");
        const downtime = readies[1]?.downtime;
        ok(downtime, "the downtime is reported");
        ok(downtime.since < (disconnects[0]?.at ?? 0), "the window starts before the loss was noticed");
        for (const sent of lost) {
          ok(
            sent >= downtime.since && sent <= downtime.until,
            `an event sent at ${sent} lies outside ${downtime.since}..${downtime.until}`,
          );
        }
      }),
  },
];
