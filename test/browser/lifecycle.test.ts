import { expect } from "@open-wc/testing";
import type { CrispRTM, RTMLifecycleEvents } from "../../src/index.js";
import { nextEvent, sleep, waitFor } from "../scenarios/wait.js";
import { type Fixture, fixture } from "./fixture.js";

/** The page events the client watches, each dispatched the way the browser does. */
const WAKE_UPS: [string, () => void][] = [
  ["visibilitychange", () => document.dispatchEvent(new Event("visibilitychange"))],
  [
    "pageshow (from the back/forward cache)",
    () => window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true })),
  ],
  ["resume (from freeze)", () => document.dispatchEvent(new Event("resume"))],
  ["online", () => window.dispatchEvent(new Event("online"))],
];

/**
 * Runs `wake` as a page woken up after `ms` of frozen timers does: the clock has moved on, no timer has fired.
 * The heartbeat deadline the client checks is then in the past, exactly as after a real freeze.
 */
function afterFreeze(ms: number, wake: () => void): void {
  const realNow = Date.now;
  Date.now = () => realNow() + ms;
  try {
    wake();
  } finally {
    Date.now = realNow;
  }
}

function trace(rtm: CrispRTM) {
  const disconnects: RTMLifecycleEvents["rtm:disconnect"][] = [];
  const readies: RTMLifecycleEvents["rtm:ready"][] = [];
  rtm.on("rtm:disconnect", (info) => disconnects.push(info));
  rtm.on("rtm:ready", (info) => readies.push(info));
  return { disconnects, readies };
}

describe("page lifecycle", () => {
  let f: Fixture;
  afterEach(() => f.dispose());

  it("a page woken up with an overdue heartbeat reconnects at once, for each wake-up event", async () => {
    // A heartbeat of 20 s + 20 s: the client's own timer cannot fire during the test.
    f = await fixture({ pingInterval: 20_000, pingTimeout: 20_000 });
    const rtm = f.client();
    rtm.on("message:send", () => {});
    const t = trace(rtm);
    await rtm.connect();
    for (const [name, wake] of WAKE_UPS) {
      const count = t.readies.length;
      const started = Date.now();
      afterFreeze(60_000, wake);
      await waitFor(() => t.readies.length === count + 1, 3000, `a reconnect after ${name}`);
      expect(t.disconnects.at(-1)?.reason, name).to.equal("ping timeout");
      expect(Date.now() - started, name).to.be.below(2000);
    }
    expect((await f.emulator.state()).counters.authentications).to.equal(WAKE_UPS.length + 1);
  });

  it("a healthy connection is left alone by every wake-up event", async () => {
    f = await fixture();
    const rtm = f.client();
    rtm.on("message:send", () => {});
    const t = trace(rtm);
    await rtm.connect();
    for (const [, wake] of WAKE_UPS) wake();
    await sleep(300);
    expect(t.disconnects).to.have.length(0);
    expect(rtm.state).to.equal("ready");
    expect((await f.emulator.state()).counters.authentications).to.equal(1);
  });

  it("a retry that is due, or any when the network is back, starts at once instead of after a late timer", async () => {
    f = await fixture();
    const rtm = f.client({ reconnect: { initialDelayMs: 30_000, maxDelayMs: 30_000, jitter: 0, stableAfterMs: 0 } });
    rtm.on("message:send", () => {});
    await rtm.connect();
    await f.emulator.control("refuse", { mode: "reset" });
    const waiting = new Promise<void>((resolve) => {
      rtm.on("rtm:reconnecting", ({ delayMs }) => delayMs === 30_000 && resolve());
    });
    await f.emulator.control("drop");
    await waiting;
    await f.emulator.control("refuse", { mode: "off" });
    document.dispatchEvent(new Event("visibilitychange"));
    await sleep(200);
    expect(rtm.state, "a retry not yet due is left to its timer").to.equal("reconnecting");
    const ready = nextEvent(rtm, "rtm:ready", 3000);
    afterFreeze(31_000, () => document.dispatchEvent(new Event("visibilitychange")));
    await ready;
    await f.emulator.control("refuse", { mode: "reset" });
    const again = new Promise<void>((resolve) => {
      rtm.on("rtm:reconnecting", ({ delayMs }) => delayMs === 30_000 && resolve());
    });
    await f.emulator.control("drop");
    await again;
    await f.emulator.control("refuse", { mode: "off" });
    const back = nextEvent(rtm, "rtm:ready", 3000);
    window.dispatchEvent(new Event("online"));
    await back;
  });

  it("leaves no page listener behind after close()", async () => {
    f = await fixture();
    const live = new Map<string, number>();
    const realAdd = EventTarget.prototype.addEventListener;
    const realRemove = EventTarget.prototype.removeEventListener;
    const watched = (target: EventTarget) => target === window || target === document;
    EventTarget.prototype.addEventListener = function (this: EventTarget, type: string, listener, options) {
      if (watched(this)) live.set(type, (live.get(type) ?? 0) + 1);
      realAdd.call(this, type, listener, options);
    };
    EventTarget.prototype.removeEventListener = function (this: EventTarget, type: string, listener, options) {
      if (watched(this)) live.set(type, (live.get(type) ?? 0) - 1);
      realRemove.call(this, type, listener, options);
    };
    try {
      const rtm = f.client();
      rtm.on("message:send", () => {});
      await rtm.connect();
      for (const type of ["visibilitychange", "pageshow", "resume", "online"]) expect(live.get(type), type).to.equal(1);
      rtm.close();
      for (const type of ["visibilitychange", "pageshow", "resume", "online"]) expect(live.get(type), type).to.equal(0);
    } finally {
      EventTarget.prototype.addEventListener = realAdd;
      EventTarget.prototype.removeEventListener = realRemove;
    }
  });
});
