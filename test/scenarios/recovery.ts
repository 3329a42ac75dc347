import type { CrispRTM, CrispRTMOptions, MessagePayload, RTMError, RTMLifecycleEvents } from "../../src/index.js";
import type * as Recover from "../../src/recover.js";
import { deepEqual, equal, ok } from "./assert.js";
import { type ScenarioContext, withEmulator } from "./context.js";
import type { Emulator } from "./emulator.js";
import { nextEvent, sleep, waitFor } from "./wait.js";

/** The `crisp-rtm/recover` module (src/ in Chromium, the built dist/recover.js elsewhere). */
export type RecoverLibrary = typeof Recover;

/** What a recovery scenario needs beyond the common context: the `crisp-rtm/recover` entry. */
export interface RecoveryContext extends ScenarioContext {
  recover: RecoverLibrary;
}

/** One recovery scenario. */
export interface RecoveryScenario {
  name: string;
  run(context: RecoveryContext): Promise<void>;
}

type Received = { name: string; payload: MessagePayload; recovered: boolean; at: number };

/** A message payload for `inject` (`from` follows the event). */
const message = (event: string, session: string, content: string) => ({
  session_id: session,
  type: "text",
  from: event === "message:send" ? "user" : "operator",
  origin: "chat",
  content,
  user: { nickname: "Visitor" },
});

/** Injects a message; returns the payload the emulator sent (fingerprint and timestamp filled in). */
async function inject(
  emulator: Emulator,
  event: string,
  website: string,
  session: string,
  content: string,
): Promise<MessagePayload> {
  const { payload } = await emulator.control<{ payload: MessagePayload }>("inject", {
    event,
    website_id: website,
    payload: message(event, session, content),
  });
  return payload;
}

/** A recovering client that records every message it delivers (through `on()`), marked recovered or live. */
function recoveringClient(
  emulator: Emulator,
  client: (extra?: Partial<CrispRTMOptions>) => CrispRTM,
  recover: CrispRTMOptions["recover"] = { messages: true },
) {
  const rtm = client({ endpoint: emulator.info.rtmUrl, events: ["message:send", "message:received"], recover });
  const received: Received[] = [];
  const errors: RTMError[] = [];
  const recovered: RTMLifecycleEvents["rtm:recovered"][] = [];
  for (const name of ["message:send", "message:received"] as const) {
    rtm.on(name, (payload) => received.push({ name, payload, recovered: rtm.isRecovered(payload), at: Date.now() }));
  }
  // Failed reconnect attempts while the port is closed are expected; everything else is recorded.
  rtm.on("rtm:error", (error) => {
    if (error.code !== "connection_failed") errors.push(error);
  });
  rtm.on("rtm:recovered", (info) => recovered.push(info));
  return { rtm, received, errors, recovered };
}

/** Cuts the client's socket for a window (the RTM port closed for `downMs`); `during` runs while it is down. */
async function cut(emulator: Emulator, rtm: CrispRTM, during: () => Promise<void>, downMs = 1500): Promise<void> {
  const disconnected = nextEvent(rtm, "rtm:disconnect");
  const restarted = emulator.control("restart", { downMs });
  await disconnected;
  await during();
  await restarted;
}

const key = (m: MessagePayload) => `${m.website_id} ${m.session_id} ${m.fingerprint}`;

/**
 * Recovery scenarios (issue 19), run in Chromium, Deno and Node: the library's `recoverMessages` and
 * `CrispRTM`'s `recover: { messages: true }` against the emulator's history routes. Clients pass `endpoint`, so
 * every REST request the emulator logs is a recovery request.
 */
export const recoveryScenarios: RecoveryScenario[] = [
  {
    name: "recover: the messages of a downtime arrive once after the reconnect, marked recovered, none from before; twins are dropped",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [siteA, siteB] = emulator.token.websites as [string, string];
        const { rtm, received, errors, recovered } = recoveringClient(emulator, client);
        const iterated: string[] = [];
        const iterator = rtm.events(["message:send", "message:received"]);
        void (async () => {
          for await (const { payload } of iterator) iterated.push(key(payload));
        })();
        await rtm.connect();
        const live = [await inject(emulator, "message:send", siteA, "session_live", "before the cut")];
        await waitFor(() => received.length === 1, 5000, "the live message");
        const missed: MessagePayload[] = [];
        await cut(emulator, rtm, async () => {
          for (let i = 0; i < 3; i += 1) {
            missed.push(await inject(emulator, "message:send", siteA, "session_a", `a${i}`));
            missed.push(await inject(emulator, "message:received", siteB, "session_b", `b${i}`));
          }
          // A conversation that already had a live message before the cut gets one more in the window.
          missed.push(await inject(emulator, "message:received", siteA, "session_live", "reply in the window"));
          // A web hook brings one of them while the socket is down: delivered now, not again by recovery.
          rtm.dispatch("message:send", { ...(missed[0] as MessagePayload) });
        });
        const hooked = missed.shift() as MessagePayload;
        const info = await waitFor(() => recovered[0], 10_000, "rtm:recovered");
        deepEqual(
          errors.map((e) => e.code),
          [],
        );
        equal(info?.count, missed.length, "count = the messages of the window");
        equal(info?.truncated, false);
        ok((info?.requests ?? 0) >= 4, `requests: ${info?.requests}`);
        const late = received.filter((r) => r.recovered);
        deepEqual(late.map((r) => key(r.payload)).sort(), missed.map(key).sort(), "each missed message once");
        ok(
          late.every((r) => r.payload.timestamp > (info?.since ?? 0) && r.payload.timestamp <= (info?.until ?? 0)),
          "inside the window",
        );
        deepEqual(
          received.filter((r) => !r.recovered).map((r) => key(r.payload)),
          [...live, hooked].map(key),
          "the live and the hooked messages once, not recovered",
        );
        for (const session of ["session_a", "session_b"]) {
          const times = late.filter((r) => r.payload.session_id === session).map((r) => r.payload.timestamp);
          deepEqual(
            times,
            [...times].sort((a, b) => a - b),
            `time order in ${session}`,
          );
        }
        for (const r of late) equal(r.name, r.payload.from === "user" ? "message:send" : "message:received");
        // Twins arriving later: a web hook copy through dispatch() and a socket copy (same fingerprint).
        const twin = missed[1] as MessagePayload;
        rtm.dispatch("message:send", { ...twin });
        await emulator.control("inject", { event: "message:send", website_id: twin.website_id, payload: { ...twin } });
        const after = await inject(emulator, "message:send", siteA, "session_a", "after the recovery");
        await waitFor(
          () => received.some((r) => r.payload.fingerprint === after.fingerprint),
          5000,
          "a new live message",
        );
        equal(received.length, live.length + 1 + missed.length + 1, "no twin delivered");
        await waitFor(() => iterated.length === received.length, 2000, "the iterator");
        deepEqual(
          iterated,
          received.map((r) => key(r.payload)),
          "events() got the same messages, in the same order",
        );
        equal(rtm.isRecovered(after), false);
        await iterator.return?.();
      }),
  },
  {
    name: "recover: a 429 with Retry-After is waited out, then the window is recovered",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const { rtm, recovered, errors } = recoveringClient(emulator, client);
        await rtm.connect();
        const missed: MessagePayload[] = [];
        await cut(
          emulator,
          rtm,
          async () => {
            missed.push(await inject(emulator, "message:send", site, "session_r", "rate limited"));
            await emulator.control("rest-mode", { mode: "429", count: 1, retryAfter: 1 });
          },
          600,
        );
        const info = await waitFor(() => recovered[0], 10_000, "rtm:recovered");
        deepEqual(
          errors.map((e) => e.code),
          [],
        );
        equal(info?.count, 1);
        const log = (await emulator.state()).restLog as { at: number; status: number }[];
        equal(log[0]?.status, 429);
        ok(
          (log[1]?.at ?? 0) - (log[0]?.at ?? 0) >= 950,
          `the retry came ${(log[1]?.at ?? 0) - (log[0]?.at ?? 0)} ms after the 429`,
        );
      }),
  },
  {
    name: "recover: a budget too small ends with truncated, never a silent partial answer",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [siteA, siteB] = emulator.token.websites as [string, string];
        const { rtm, recovered, errors } = recoveringClient(emulator, client, { messages: true, maxRequests: 3 });
        await rtm.connect();
        await cut(
          emulator,
          rtm,
          async () => {
            for (const session of ["s1", "s2", "s3"]) {
              await inject(emulator, "message:send", siteA, session, "a");
              await inject(emulator, "message:send", siteB, session, "b");
            }
          },
          600,
        );
        const info = await waitFor(() => recovered[0], 10_000, "rtm:recovered");
        deepEqual(
          errors.map((e) => e.code),
          [],
        );
        equal(info?.truncated, true);
        equal(info?.requests, 3);
        ok((info?.count ?? 0) < 6, `count ${info?.count}`);
        equal((await emulator.state()).restLog.length, 3, "the budget holds");
      }),
  },
  {
    name: "recover: a 403 (no conversation scope) is a clear forbidden_scope error and the socket stays up",
    run: (context) =>
      withEmulator(context, {}, async (emulator, client) => {
        const [site] = emulator.token.websites as [string];
        const { rtm, recovered, errors, received } = recoveringClient(emulator, client);
        await rtm.connect();
        await cut(
          emulator,
          rtm,
          async () => {
            await inject(emulator, "message:send", site, "session_f", "lost");
            await emulator.control("rest-mode", { mode: "403" });
          },
          600,
        );
        const info = await waitFor(() => recovered[0], 10_000, "rtm:recovered");
        deepEqual(
          errors.map((e) => e.code),
          ["forbidden_scope"],
        );
        equal(errors[0]?.status, 403);
        equal(info?.error?.code, "forbidden_scope");
        equal(info?.truncated, true);
        equal(rtm.state, "ready");
        const { key: secret, identifier } = emulator.token;
        ok(!errors[0]?.message.includes(secret) && !errors[0]?.message.includes(identifier), "no token in the error");
        const live = await inject(emulator, "message:send", site, "session_f", "still connected");
        await waitFor(
          () => received.some((r) => r.payload.fingerprint === live.fingerprint),
          5000,
          "a live message after the error",
        );
        await sleep(50);
        equal(rtm.state, "ready");
      }),
  },
  {
    name: "recoverMessages: the window of every website of the token (listed), the result, no token in any URL, typed errors",
    run: (context) =>
      withEmulator(context, {}, async (emulator) => {
        const [siteA, siteB] = emulator.token.websites as [string, string];
        await inject(emulator, "message:send", siteA, "old", "before since");
        await sleep(20);
        const since = Date.now();
        await sleep(5);
        const sent = [
          await inject(emulator, "message:send", siteA, "old", "in the window"),
          await inject(emulator, "message:received", siteB, "new", "operator in the window"),
        ];
        await sleep(5);
        const until = Date.now();
        await sleep(5);
        await inject(emulator, "message:send", siteA, "old", "after until");
        const urls: string[] = [];
        const base = context.clientOptions?.fetch ?? fetch;
        const spy: typeof fetch = (input, init) => {
          urls.push(String(input));
          return base(input, init);
        };
        const { identifier, key: secret } = emulator.token;
        const recovery = context.recover.recoverMessages({
          identifier,
          key: secret,
          restBase: emulator.info.restUrl,
          window: { since, until },
          fetch: spy,
        });
        const got: Recover.RecoveredEvent[] = [];
        for await (const event of recovery) got.push(event);
        deepEqual(
          got.map((e) => [e.name, e.payload.fingerprint]).sort(),
          [
            ["message:received", sent[1]?.fingerprint],
            ["message:send", sent[0]?.fingerprint],
          ].sort(),
        );
        deepEqual(got.find((e) => e.name === "message:send")?.payload, sent[0], "Crisp's payload shape, unchanged");
        equal(recovery.result.count, 2);
        equal(recovery.result.websites, 2);
        equal(recovery.result.truncated, false);
        equal(recovery.result.requests, urls.length);
        ok(
          urls.some((u) => u.includes("/plugin/connect/websites/all/1")),
          "the websites are listed",
        );
        ok(
          urls.every((u) => !u.includes(identifier) && !u.includes(secret)),
          "no token in any URL",
        );
        // The top-level since/until shape, and websites given: no listing.
        const only = context.recover.recoverMessages({
          identifier,
          key: secret,
          restBase: emulator.info.restUrl,
          since,
          until,
          websites: [siteB],
        });
        const some: string[] = [];
        for await (const { payload } of only) some.push(payload.website_id);
        deepEqual(some, [siteB]);
        let invalid: unknown;
        try {
          context.recover.recoverMessages({ identifier, key: secret, window: { since: until, until: since } });
        } catch (error) {
          invalid = error;
        }
        ok(context.recover.isRTMError(invalid, "invalid_options"), "a reversed window is invalid_options");
        const wrong = context.recover.recoverMessages({
          identifier,
          key: "wrong",
          restBase: emulator.info.restUrl,
          since,
          until,
        });
        let refused: unknown;
        try {
          for await (const _ of wrong) ok(false, "nothing yielded");
        } catch (error) {
          refused = error;
        }
        ok(context.recover.isRTMError(refused, "unauthorized"), `401 is unauthorized: ${refused}`);
        const controller = new AbortController();
        controller.abort();
        let aborted: unknown;
        try {
          for await (const _ of context.recover.recoverMessages({
            identifier,
            key: secret,
            restBase: emulator.info.restUrl,
            since,
            until,
            signal: controller.signal,
          })) {
            ok(false, "nothing yielded");
          }
        } catch (error) {
          aborted = error;
        }
        ok(context.recover.isRTMError(aborted, "aborted"), `abort: ${aborted}`);
      }),
  },
];
