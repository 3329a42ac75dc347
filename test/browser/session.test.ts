import { expect } from "@open-wc/testing";
import { CrispRTM, type CrispRTMOptions, eventsForTier, RTMError } from "../../src/index.js";
import { nextEvent, sleep, waitFor } from "../scenarios/wait.js";
import { errorCodes, type Fixture, fixture, rejection } from "./fixture.js";

const text = (content: string) => ({ type: "text", from: "user", origin: "chat", content, user: {} });

describe("authentication", () => {
  let f: Fixture;
  afterEach(() => f.dispose());

  it("is disconnected by the server when it does not authenticate within the deadline", async () => {
    f = await fixture({ authTimeoutMs: 300 });
    await f.emulator.control("ignore-auth", { enabled: true });
    const rtm = f.client({ authTimeoutMs: 5000, reconnect: false });
    rtm.on("message:send", () => {});
    const error = await rejection(rtm.connect());
    expect(error.code).to.equal("connection_failed");
  });

  it("sends every event of the tier for a `*` listener", async () => {
    f = await fixture();
    const rtm = f.client();
    rtm.on("*", () => {});
    await rtm.connect();
    const [auth] = (await f.emulator.state()).auths;
    expect(auth?.events).to.have.members(eventsForTier("plugin"));
    expect(auth?.password).to.equal(undefined);
  });

  it("refuses rooms the token does not own with `unauthorized`, once", async () => {
    f = await fixture();
    const rtm = f.client({ rooms: ["00000000-0000-0000-0000-000000000000"] });
    rtm.on("message:send", () => {});
    const error = await rejection(rtm.connect());
    expect(error.code).to.equal("unauthorized");
    await sleep(200);
    expect((await f.emulator.state()).counters.authentications).to.equal(1);
  });
});

describe("filters", () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.dispose());

  it("coalesces binds closer than the interval into one message", async () => {
    const rtm = f.client({ bindIntervalMs: 400 });
    rtm.on("message:send", () => {});
    await rtm.connect();
    const started = Date.now();
    await Promise.all([
      rtm.bind({ events: ["message:send", "message:received"] }),
      rtm.bind({ events: ["message:received"] }),
      rtm.bind({ events: ["message:updated"] }),
    ]);
    expect(Date.now() - started).to.be.at.least(300);
    await waitFor(async () => (await f.emulator.state()).binds.length > 0, 3000, "the bind to arrive");
    await sleep(200);
    const { binds } = await f.emulator.state();
    expect(binds).to.have.length(1);
    expect((binds[0]?.payload as { events?: string[] })?.events).to.deep.equal([
      "message:updated",
      "plugin:subscription:updated",
    ]);
  });

  it("binds a listener added after connecting (late on())", async () => {
    const rtm = f.client({ bindIntervalMs: 0 });
    rtm.on("message:send", () => {});
    await rtm.connect();
    const received = nextEvent<{ content: string }>(rtm, "message:received");
    await waitFor(async () => (await f.emulator.state()).binds.length === 1, 3000, "the bind");
    const { binds } = await f.emulator.state();
    expect((binds[0]?.payload as { events?: string[] })?.events).to.deep.equal([
      "message:received",
      "message:send",
      "plugin:subscription:updated",
    ]);
    await f.emulator.inject("message:received", text("late"), f.emulator.token.websites[0]);
    expect((await received).content).to.equal("late");
  });

  it("re-sends the current filters after a server restart", async () => {
    const [site] = f.emulator.token.websites as [string];
    const rtm = f.client({ bindIntervalMs: 0 });
    rtm.on("message:send", () => {});
    await rtm.connect();
    await rtm.bind({ rooms: [site] });
    const ready = nextEvent(rtm, "rtm:ready", 8000);
    await f.emulator.control("restart", { downMs: 300 });
    await ready;
    const { auths } = await f.emulator.state();
    expect(auths.at(-1)?.rooms).to.deep.equal([site]);
    expect(auths.at(-1)?.events).to.deep.equal(["message:send", "plugin:subscription:updated"]);
  });
});

describe("faults", () => {
  let f: Fixture;
  afterEach(() => f.dispose());

  it("reports malformed frames as `protocol_error` and reconnects", async () => {
    f = await fixture();
    const rtm = f.client();
    const got: string[] = [];
    rtm.on("message:send", (m) => got.push(String(m.content)));
    const codes = errorCodes(rtm);
    await rtm.connect();
    for (const frame of ['2["message:send"', '51-["message:send",{"_placeholder":true,"num":0}]', "2[1,2]", "9"]) {
      const ready = nextEvent(rtm, "rtm:ready", 5000);
      await f.emulator.control("malformed", { frame });
      await ready;
    }
    expect(codes.filter((code) => code === "protocol_error")).to.have.length(4);
    await f.emulator.inject("message:send", text("still fine"), f.emulator.token.websites[0]);
    await waitFor(() => got.includes("still fine"), 3000, "delivery after the faults");
  });

  it("drops event names that would spoof lifecycle events", async () => {
    f = await fixture();
    const rtm = f.client({ events: ["rtm:ready"] });
    let spoofed = 0;
    rtm.on("rtm:ready", () => (spoofed += 1));
    await rtm.connect();
    await f.emulator.inject("rtm:ready", { website_id: f.emulator.token.websites[0] }, f.emulator.token.websites[0]);
    await sleep(200);
    expect(spoofed).to.equal(1);
  });

  it("retries at once when the browser comes back online", async () => {
    f = await fixture();
    const rtm = f.client({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, stableAfterMs: 60_000 } });
    rtm.on("message:send", () => {});
    await rtm.connect();
    const reconnecting = nextEvent<{ delayMs: number }>(rtm, "rtm:reconnecting", 3000);
    await f.emulator.control("drop");
    expect((await reconnecting).delayMs).to.be.at.least(30_000);
    const started = Date.now();
    globalThis.dispatchEvent(new Event("online"));
    await waitFor(() => rtm.state === "ready", 3000, "ready after the online event");
    expect(Date.now() - started).to.be.below(3000);
  });

  it("gives up after maxAttempts against a dead server", async () => {
    f = await fixture();
    const rtm = f.client({
      endpoint: "wss://127.0.0.1:9/p/1/",
      reconnect: { initialDelayMs: 20, maxDelayMs: 40, maxAttempts: 3 },
    });
    rtm.on("message:send", () => {});
    const attempts: number[] = [];
    rtm.on("rtm:reconnecting", ({ attempt }) => attempts.push(attempt));
    expect((await rejection(rtm.connect())).code).to.equal("connection_failed");
    expect(attempts).to.deep.equal([2, 3]);
  });

  it("keeps delivering to the other listeners when one throws", async () => {
    f = await fixture();
    const rtm = f.client();
    const codes = errorCodes(rtm);
    rtm.on("message:send", () => {
      throw new Error("boom");
    });
    const second = nextEvent<{ content: string }>(rtm, "message:send");
    await rtm.connect();
    await f.emulator.inject("message:send", text("x"), f.emulator.token.websites[0]);
    expect((await second).content).to.equal("x");
    expect(codes).to.include("listener_error");
  });
});

describe("close() and AbortSignal", () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.dispose());

  async function closeDuring(state: string, setup: () => Promise<void>, extra = {}): Promise<void> {
    await setup();
    const rtm = f.client({ connectTimeoutMs: 5000, authTimeoutMs: 5000, ...extra });
    rtm.on("message:send", () => {});
    const connecting = rtm.connect();
    await waitFor(() => rtm.state === state, 5000, `state ${state}`);
    rtm.close();
    expect((await rejection(connecting)).code).to.equal("closed");
    expect(rtm.state).to.equal("closed");
    await f.emulator.control("reset");
  }

  it("closes cleanly while discovering", () =>
    closeDuring("discovering", () => f.emulator.control("rest-mode", { mode: "timeout" }).then(() => {})));
  it("closes cleanly while connecting", () =>
    closeDuring("connecting", () => f.emulator.control("stall", { enabled: true }).then(() => {})));
  it("closes cleanly while authenticating", () =>
    closeDuring("authenticating", () => f.emulator.control("ignore-auth", { enabled: true }).then(() => {})));
  it("closes cleanly while reconnecting", () =>
    closeDuring("reconnecting", () => f.emulator.control("refuse", { mode: "reset" }).then(() => {}), {
      reconnect: { initialDelayMs: 2000, maxDelayMs: 2000 },
    }));

  it("closes cleanly when ready and stays closed", async () => {
    const rtm = f.client();
    rtm.on("message:send", () => {});
    await rtm.connect();
    rtm.close();
    await waitFor(async () => (await f.emulator.state()).connections.length === 0, 3000, "no connection");
    const attempts = (await f.emulator.state()).tcpLog.length;
    await sleep(300);
    expect((await f.emulator.state()).tcpLog.length).to.equal(attempts);
    expect((await rejection(rtm.bind({ events: ["message:send"] }))).code).to.equal("closed");
  });

  it("rejects with `aborted` when the signal aborts", async () => {
    const controller = new AbortController();
    await f.emulator.control("stall", { enabled: true });
    const rtm = f.client({ signal: controller.signal });
    rtm.on("message:send", () => {});
    const connecting = rtm.connect();
    await waitFor(() => rtm.state === "connecting", 3000, "connecting");
    controller.abort();
    expect((await rejection(connecting)).code).to.equal("aborted");
    const early = f.client({ signal: AbortSignal.abort() });
    expect((await rejection(early.connect())).code).to.equal("aborted");
  });
});

describe("events() iterator", () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.dispose());

  it("yields events in order and unsubscribes on break", async () => {
    const rtm = f.client();
    const seen: string[] = [];
    const iterate = (async () => {
      for await (const event of rtm.events(["message:send", "message:received"])) {
        seen.push(`${event.name}:${String(event.payload.content)}`);
        if (seen.length === 3) break;
      }
    })();
    await rtm.connect();
    const site = f.emulator.token.websites[0];
    await f.emulator.inject("message:send", text("1"), site);
    await f.emulator.inject("message:received", { ...text("2"), from: "operator" }, site);
    await f.emulator.inject("message:send", text("3"), site);
    await iterate;
    expect(seen).to.deep.equal(["message:send:1", "message:received:2", "message:send:3"]);
    expect(rtm.filters.events).to.deep.equal(["plugin:subscription:updated"]);
  });

  it("ends when its signal aborts", async () => {
    const rtm = f.client();
    const controller = new AbortController();
    const iterator = rtm.events([], { signal: controller.signal });
    await rtm.connect();
    const pending = iterator.next();
    controller.abort();
    expect((await pending).done).to.equal(true);
  });

  it("throws the error when the client fails", async () => {
    const rtm = f.client({ key: "wrong" });
    const iterator = rtm.events(["message:send"]);
    void rtm.connect().catch(() => {});
    expect((await rejection(iterator.next())).code).to.equal("unauthorized");
  });
});

describe("options and secrets", () => {
  it("throws `invalid_options` for bad options", () => {
    const bad = [
      {},
      { identifier: "i" },
      { identifier: "i", key: "k", tier: "admin" },
      { identifier: "i", key: "k", tier: "website" },
      { identifier: "i", key: "k", events: "message:send" },
      { identifier: "i", key: "k", reconnect: { jitter: 2 } },
      { identifier: "i", key: "k", endpoint: "not a url" },
      { identifier: "i", key: "k", authTimeoutMs: -1 },
    ];
    for (const options of bad) {
      expect(() => f0(options), JSON.stringify(options))
        .to.throw(RTMError)
        .with.property("code", "invalid_options");
    }
  });

  it("keeps the token out of URLs, errors and lifecycle events", async () => {
    const f = await fixture();
    try {
      const { identifier, key } = f.emulator.token;
      const urls: string[] = [];
      const lines: string[] = [];
      class SpyWebSocket extends WebSocket {
        constructor(url: string | URL, protocols?: string | string[]) {
          urls.push(String(url));
          super(url, protocols);
        }
      }
      const rtm = f.client({
        WebSocket: SpyWebSocket,
        fetch: (input, init) => {
          urls.push(String(input));
          return fetch(input, init);
        },
      });
      const watch = (client: CrispRTM) => {
        for (const name of [
          "rtm:state",
          "rtm:ready",
          "rtm:disconnect",
          "rtm:reconnecting",
          "rtm:error",
          "rtm:close",
        ] as const) {
          client.on(name, (info: unknown) =>
            lines.push(
              JSON.stringify(info, (_key, value: unknown) =>
                value instanceof Error ? `${value.message} ${String(value.cause)}` : value,
              ),
            ),
          );
        }
      };
      watch(rtm);
      const errors: string[] = [];
      rtm.on("rtm:error", (error) => errors.push(`${error.message} ${String(error.cause)}`));
      rtm.on("message:send", () => {});
      await rtm.connect();
      await f.emulator.control("drop");
      await waitFor(
        () => rtm.state === "ready" && lines.some((line) => line.includes('"reconnected":true')),
        5000,
        "a reconnect",
      );
      const bad = f.client({ key: `${key}-wrong`, endpoint: f.emulator.info.rtmUrl });
      watch(bad);
      bad.on("message:send", () => {});
      const error = await rejection(bad.connect());
      errors.push(error.message, String(error.stack));
      expect(urls.length).to.be.at.least(3);
      expect(lines.length).to.be.at.least(5);
      for (const text of [...urls, ...lines, ...errors]) {
        expect(text).to.not.contain(key);
        expect(text).to.not.contain(identifier);
      }
    } finally {
      await f.dispose();
    }
  });
});

function f0(options: object): CrispRTM {
  return new CrispRTM(options as CrispRTMOptions);
}

describe("dispatch()", () => {
  it("delivers to on() listeners, `*` listeners and iterators without a connection", async () => {
    const rtm = new CrispRTM({ identifier: "i", key: "k" });
    const seen: string[] = [];
    rtm.on("message:send", (m) => seen.push(`on:${String(m.content)}`));
    rtm.on("*", (name) => seen.push(`*:${name}`));
    const iterator = rtm.events(["message:send"]);
    rtm.dispatch("message:send", {
      ...text("hook"),
      website_id: "w",
      session_id: "s",
      fingerprint: 1,
      timestamp: 1,
    } as never);
    const { value } = await iterator.next();
    expect(value?.payload.content).to.equal("hook");
    expect(seen).to.deep.equal(["on:hook", "*:message:send"]);
    expect(rtm.state).to.equal("idle");
    rtm.close();
  });

  it("refuses reserved names, non-object payloads and a closed client", () => {
    const rtm = new CrispRTM({ identifier: "i", key: "k" });
    expect(() => rtm.dispatch("rtm:ready" as never, {} as never))
      .to.throw(RTMError)
      .with.property("code", "invalid_options");
    expect(() => rtm.dispatch("message:send", "text" as never))
      .to.throw(RTMError)
      .with.property("code", "invalid_options");
    rtm.close();
    expect(() => rtm.dispatch("message:send", {} as never))
      .to.throw(RTMError)
      .with.property("code", "closed");
  });
});
