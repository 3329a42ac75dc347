/**
 * Shared scenarios of `crisp-rtm/hub` (HubClient) against a real hub (demo/worker in Miniflare, started by the
 * hub manager: test/support/hub-manager.js) on the emulator. Written once, run by a thin adapter per runtime:
 * Chromium (a browser with tickets), Deno and Node (server-side consumers with the bearer secret). Each
 * delivery check injects numbered messages into the emulator and asserts the exact list the client saw: every
 * number once, in order, none missing.
 */
import type * as HubLib from "../../src/hub/index.js";
import { deepEqual, equal, ok, rejects } from "./assert.js";
import { sleep, waitFor } from "./wait.js";

/** The crisp-rtm/hub module under test (src/ in Chromium, the built dist/hub.js elsewhere). */
export type HubLibrary = typeof HubLib;

/** What a runtime adapter gives the hub scenarios. */
export interface HubScenarioContext {
  lib: HubLibrary;
  /** Base URL of the emulator manager (which also starts hubs). */
  managerUrl: string;
  /** How this runtime's consumer authenticates: a browser with tickets, a server with the bearer secret. */
  credential: "ticket" | "bearer";
}

/** The runtimes that run the hub scenarios. */
export type HubRuntime = "chromium" | "deno" | "node";

/** One behaviour of HubClient. */
export interface HubScenario {
  name: string;
  /** Default: every runtime. A scenario that leaves one out says why next to this field. */
  runtimes?: HubRuntime[];
  run(context: HubScenarioContext): Promise<void>;
}

/** What the hub manager answers for a started hub. */
interface HubInfo {
  id: string;
  url: string;
  origin: string;
  secret: string;
  emulator: { restUrl: string; controlUrl: string; tokens: { identifier: string; key: string; websites: string[] }[] };
}

/** A hub started through the manager, with the calls the scenarios need. */
class TestHub {
  constructor(
    readonly managerUrl: string,
    readonly info: HubInfo,
  ) {}

  static async start(managerUrl: string, body: Record<string, unknown> = {}): Promise<TestHub> {
    return new TestHub(managerUrl, (await post(`${managerUrl}/hubs`, body)) as HubInfo);
  }

  /** A fresh single-use ticket, as the customer's backend would hand it to a page. */
  async ticket(): Promise<string> {
    return ((await post(`${this.managerUrl}/hubs/${this.info.id}/ticket`, {})) as { ticket: string }).ticket;
  }

  fault(action: string, extra: Record<string, unknown> = {}): Promise<unknown> {
    return post(`${this.managerUrl}/hubs/${this.info.id}/fault`, { action, ...extra });
  }

  /** Injects message number `n` into the emulator (a `message:send` whose fingerprint is `n`). */
  async inject(n: number): Promise<number> {
    const website = this.info.emulator.tokens[0]?.websites[0] ?? "";
    const payload = {
      website_id: website,
      session_id: "session_hub_scenarios",
      fingerprint: n,
      type: "text",
      from: "user",
      origin: "chat",
      content: `message ${n}`,
      timestamp: Date.now(),
    };
    const result = (await post(`${this.info.emulator.controlUrl}/inject`, {
      event: "message:send",
      payload,
      website_id: website,
    })) as { delivered: number };
    return result.delivered;
  }

  /** Injects `from`..`to`, each once the hub's upstream is there to receive it. */
  async injectRange(from: number, to: number): Promise<void> {
    for (let n = from; n <= to; n += 1)
      await waitFor(async () => (await this.inject(n)) > 0, 10_000, `the hub's upstream to take message ${n}`);
  }

  async stop(): Promise<void> {
    await fetch(`${this.managerUrl}/hubs/${this.info.id}`, { method: "DELETE" });
  }
}

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Fast reconnection for tests. */
const FAST = { initialDelayMs: 50, maxDelayMs: 500 };

/** A client and everything it reported. */
interface Recorder {
  client: HubLib.HubClient;
  /** Fingerprints of the `message:send` events received, in order. */
  received: number[];
  notices: { name: string; payload: unknown }[];
  errors: HubLib.RTMError[];
  tickets: number;
}

function record(context: HubScenarioContext, hub: TestHub, extra: Partial<HubLib.HubClientOptions> = {}): Recorder {
  const recorder: Recorder = {
    client: undefined as unknown as HubLib.HubClient,
    received: [],
    notices: [],
    errors: [],
    tickets: 0,
  };
  const credential =
    context.credential === "bearer"
      ? { bearer: hub.info.secret }
      : {
          ticket: () => {
            recorder.tickets += 1;
            return hub.ticket();
          },
        };
  const client = new context.lib.HubClient({
    url: hub.info.url,
    reconnect: FAST,
    heartbeatMs: 1000,
    ...credential,
    ...extra,
  });
  recorder.client = client;
  client.on("message:send", (payload) => recorder.received.push(Number(payload.fingerprint)));
  for (const name of ["rtm:downtime", "rtm:gap", "rtm:reset", "rtm:ready"] as const) {
    client.on(name, (payload: unknown) => recorder.notices.push({ name, payload }));
  }
  client.on("rtm:error", (error) => recorder.errors.push(error));
  return recorder;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function receivedUpTo(recorder: Recorder, n: number, what: string): Promise<void> {
  await waitFor(() => recorder.received.includes(n), 15_000, `${what} (got ${JSON.stringify(recorder.received)})`);
}

/** Runs `body` with a fresh hub, always stopping it and closing the client. */
async function withHub(
  context: HubScenarioContext,
  body: (hub: TestHub) => Promise<void>,
  options: Record<string, unknown> = {},
): Promise<void> {
  const hub = await TestHub.start(context.managerUrl, options);
  try {
    await body(hub);
  } finally {
    await hub.stop();
  }
}

/** The scenarios of HubClient. */
export const hubScenarios: HubScenario[] = [
  {
    name: "hub: exactly once across a dropped subscriber socket (replayed from the hub's log)",
    run: (context) =>
      withHub(context, async (hub) => {
        const r = record(context, hub);
        try {
          await r.client.connect();
          await hub.injectRange(1, 5);
          await receivedUpTo(r, 5, "messages 1-5");
          // Cut the client's TCP connection and keep it away for a moment while 5 more messages arrive.
          await hub.fault("drop-subscribers", { holdMs: 1500 });
          await hub.injectRange(6, 10);
          await waitFor(() => r.notices.filter((n) => n.name === "rtm:ready").length >= 2, 15_000, "ready again");
          await hub.injectRange(11, 15);
          await receivedUpTo(r, 15, "messages 11-15");
          await sleep(300);
          deepEqual(r.received, range(1, 15), "every message once, in order");
          const again = r.notices.filter((n) => n.name === "rtm:ready")[1]?.payload as {
            reconnected: boolean;
            replayed: number;
          };
          ok(again.reconnected, "the second ready is a reconnection");
          ok(again.replayed >= 5, `messages 6-10 came from the replay (replayed ${again.replayed})`);
          equal(r.client.cursor !== null && r.client.cursor >= 15, true, "the cursor follows the hub's sequence");
        } finally {
          r.client.close();
        }
      }),
  },
  {
    name: "hub: a gap notice when the hub's log no longer holds what was missed, then the rest exactly once",
    run: (context) =>
      withHub(
        context,
        async (hub) => {
          const r = record(context, hub);
          try {
            await r.client.connect();
            await hub.injectRange(1, 2);
            await receivedUpTo(r, 2, "messages 1-2");
            await hub.fault("drop-subscribers", { holdMs: 1500 });
            // The log keeps 3 entries: 3-5 are gone by the time the client is back, 6-8 are replayed.
            await hub.injectRange(3, 8);
            await receivedUpTo(r, 8, "messages 6-8");
            await sleep(300);
            deepEqual(r.received, [1, 2, 6, 7, 8], "what the log still held, once, in order");
            const gaps = r.notices
              .filter((n) => n.name === "rtm:gap")
              .map((n) => n.payload as { from: number; to: number });
            equal(gaps.length, 1, "one gap notice");
            const [gap] = gaps;
            ok(gap && gap.to - gap.from + 1 === 3, `the gap covers messages 3-5 (${JSON.stringify(gap)})`);
          } finally {
            r.client.close();
          }
        },
        { vars: { HUB_LOG_SIZE: "3" } },
      ),
  },
  {
    name: "hub: exactly once across an upstream drop, with one downtime notice for the window",
    run: (context) =>
      withHub(context, async (hub) => {
        const r = record(context, hub);
        try {
          const started = Date.now();
          await r.client.connect();
          await hub.injectRange(1, 5);
          await receivedUpTo(r, 5, "messages 1-5");
          const before = Date.now();
          await hub.fault("drop-upstream");
          await waitFor(() => r.notices.some((n) => n.name === "rtm:downtime"), 15_000, "a downtime notice");
          await hub.injectRange(6, 10);
          await receivedUpTo(r, 10, "messages 6-10");
          await sleep(300);
          deepEqual(r.received, range(1, 10), "every message once, in order");
          const downtimes = r.notices.filter((n) => n.name === "rtm:downtime").map((n) => n.payload as HubLib.Downtime);
          equal(downtimes.length, 1, "one downtime notice");
          const [downtime] = downtimes;
          // The hub's window starts at the last frame it received before the drop, less 1 s of transit slack.
          ok(
            downtime && downtime.since >= started - 1000 && downtime.since <= before && downtime.until >= before,
            `the window of the drop: ${JSON.stringify(downtime)}`,
          );
          ok(downtime && downtime.ms === downtime.until - downtime.since, "the window's length");
        } finally {
          r.client.close();
        }
      }),
  },
  {
    name: "hub: a message sent while the hub's upstream is down is recovered over REST, once, marked, then rtm:recovered",
    run: (context) =>
      withHub(context, async (hub) => {
        const r = record(context, hub);
        const payloads = new Map<number, object>();
        const recovered: unknown[] = [];
        r.client.on("message:send", (payload) => payloads.set(Number(payload.fingerprint), payload));
        r.client.on("rtm:recovered", (info) => recovered.push(info));
        try {
          await r.client.connect();
          await hub.injectRange(1, 3);
          await receivedUpTo(r, 3, "messages 1-3");
          // Crisp's relay goes away for 1.5 s (the emulator's RTM port closed); a visitor writes meanwhile.
          const restarted = post(`${hub.info.emulator.controlUrl}/restart`, { downMs: 1500 });
          await sleep(300);
          equal(await hub.inject(4), 0, "message 4 reaches no socket");
          await restarted;
          await waitFor(() => recovered.length > 0, 20_000, "rtm:recovered");
          await receivedUpTo(r, 4, "the recovered message 4");
          await hub.injectRange(5, 5);
          await receivedUpTo(r, 5, "live message 5");
          await sleep(300);
          deepEqual(r.received, range(1, 5), "every message once, in order");
          const [info] = recovered as { count: number; truncated: boolean }[];
          ok(info && info.count >= 1 && info.truncated === false, `the notice: ${JSON.stringify(info)}`);
          equal(r.client.isRecovered(payloads.get(4) ?? {}), true, "message 4 is marked as recovered");
          equal(r.client.isRecovered(payloads.get(5) ?? {}), false, "message 5 is live");
        } finally {
          r.client.close();
        }
      }),
  },
  {
    name: "hub: exactly once across a hub restart that keeps its storage",
    run: (context) =>
      withHub(context, async (hub) => {
        const r = record(context, hub);
        try {
          await r.client.connect();
          await hub.injectRange(1, 5);
          await receivedUpTo(r, 5, "messages 1-5");
          await hub.fault("restart", { downMs: 500 });
          await waitFor(
            () => r.notices.filter((n) => n.name === "rtm:ready").length >= 2,
            30_000,
            "ready again after the restart",
          );
          await hub.injectRange(6, 10);
          await receivedUpTo(r, 10, "messages 6-10");
          await sleep(300);
          deepEqual(r.received, range(1, 10), "every message once, in order");
          equal(r.notices.filter((n) => n.name === "rtm:reset").length, 0, "no reset: the hub kept its sequence");
        } finally {
          r.client.close();
        }
      }),
  },
  {
    name: "hub: an expired ticket is replaced by a fresh one, once",
    run: (context) =>
      withHub(
        context,
        async (hub) => {
          const stale = await hub.ticket();
          await sleep(5600);
          let calls = 0;
          const client = new context.lib.HubClient({
            url: hub.info.url,
            reconnect: FAST,
            ticket: () => (++calls === 1 ? stale : hub.ticket()),
          });
          const errors: string[] = [];
          const received: number[] = [];
          client.on("rtm:error", (error) => errors.push(error.code));
          client.on("message:send", (payload) => received.push(Number(payload.fingerprint)));
          try {
            await client.connect();
            equal(calls, 2, "the provider was asked once more");
            deepEqual(errors, ["unauthorized"], "the refusal was reported");
            await hub.injectRange(1, 3);
            await waitFor(() => received.length >= 3, 10_000, "messages 1-3");
            await sleep(300);
            deepEqual(received, [1, 2, 3]);
          } finally {
            client.close();
          }
        },
        { vars: { HUB_TICKET_TTL_SECONDS: "5" } },
      ),
  },
  {
    name: "hub: a refused ticket stops with unauthorized after at most two tries",
    run: (context) =>
      withHub(context, async (hub) => {
        let calls = 0;
        const client = new context.lib.HubClient({
          url: hub.info.url,
          reconnect: FAST,
          ticket: () => {
            calls += 1;
            return "t1.forged.ticket";
          },
        });
        const error = (await rejects(client.connect(), "connect() rejects")) as HubLib.RTMError;
        equal(error.code, "unauthorized");
        equal(client.state, "closed");
        ok(calls <= 2, `asked at most twice (asked ${calls} times)`);
        await sleep(1500);
        ok(calls <= 2, `no retry afterwards (asked ${calls} times)`);
        ok(!String(error.message).includes("t1.forged"), "the ticket is not in the message");
      }),
  },
  {
    name: "hub: a refused bearer secret stops with unauthorized, no retry storm",
    // Server-side consumers only: a browser never holds the subscriber secret.
    runtimes: ["deno", "node"],
    run: (context) =>
      withHub(context, async (hub) => {
        const client = new context.lib.HubClient({
          url: hub.info.url,
          reconnect: FAST,
          bearer: "wrong-secret-0123456789",
        });
        let attempts = 0;
        client.on("rtm:state", ({ state }) => {
          if (state === "connecting") attempts += 1;
        });
        const error = (await rejects(client.connect(), "connect() rejects")) as HubLib.RTMError;
        equal(error.code, "unauthorized");
        ok(attempts <= 2, `at most two attempts (${attempts})`);
        ok(!String(error.message).includes("wrong-secret"), "the secret is not in the message");
      }),
  },
];

/** The hub scenarios that apply to `runtime`. */
export function hubScenariosFor(runtime: HubRuntime): HubScenario[] {
  return hubScenarios.filter((scenario) => !scenario.runtimes || scenario.runtimes.includes(runtime));
}
