// @ts-check
// Eviction and deploy as they really happen, in workerd (Miniflare) against the Crisp emulator.
// - Hibernation takes the object out of memory and keeps the subscribers' sockets, which the runtime holds.
//   workerd does it as Cloudflare does: an object with nothing but hibernatable sockets, idle for 10 s, is
//   evicted; the next event builds a new instance, which finds the sockets (and their attachments) again.
//   The same subscribers then get the `downtime` and the next events live, without reconnecting.
// - `ctx.abort()` (`POST /_test/evict`) resets the instance as a crash does: workerd closes its sockets.
// - A deploy restarts every instance with the new code and closes every WebSocket: `mf.setOptions()` with the
//   same options restarts workerd the same way, keeping the storage (persisted to a directory). Subscribers
//   resume with `?since=` and find the `downtime` in the replay.
// Needs `npm run build` (dist/) first.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEmulator } from "../../emulator/index.js";
import { eventually, startHub } from "./harness.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {import("./harness.js").Hub} */
let hub;
/** @type {string} */
let siteA;

before(async () => {
  emu = await startEmulator({});
  siteA = emu.tokens[0]?.websites[0] ?? "";
  hub = await startHub({ emu, deployable: true });
});

after(async () => {
  await hub?.close();
  await emu?.close();
});

async function ready() {
  await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream to be ready", 15_000);
}

/** @param {string} content */
async function inject(content) {
  return emu.control.inject({ event: "message:send", website_id: siteA, payload: { type: "text", content } });
}

async function upstreamGone() {
  await eventually(async () => (await emu.control.state()).connections.length === 0, "the upstream to go away");
}

test("hibernation: the object leaves memory, the subscribers' sockets stay, and the next instance serves them", {
  timeout: 60_000,
}, async (t) => {
  await ready();
  t.after(() => hub.request("/upstream", { body: { running: true } }));
  const subscriber = await hub.subscribe("protocol=2");
  await subscriber.ready();
  assert.equal((await inject("before")).delivered, 1);
  await subscriber.waitForEvents(1);
  const lastSeen = subscriber.events.at(-1).seq;
  const stopped = await hub.request("/upstream", { body: { running: false } });
  const instance = stopped.body.instanceStartedAt;
  await upstreamGone();
  assert.equal((await inject("lost")).delivered, 0, "Crisp keeps nothing for a disconnected client");
  // No upstream, no alarm, no request: workerd evicts the idle object (it checks for 10 s of inactivity, so
  // within 20 s), keeping its hibernatable sockets. Any request before that would keep it in memory.
  await new Promise((resolve) => setTimeout(resolve, 22_000));
  const woken = await hub.status();
  assert.ok(woken.instanceStartedAt > instance, "a new instance of the object answers");
  assert.equal(woken.subscribers, 1, "the new instance holds the hibernated subscriber");
  assert.equal(subscriber.closed, false);
  await hub.request("/upstream", { body: { running: true } });
  await ready();
  await subscriber.waitFor(() => subscriber.frames.some((m) => m.type === "downtime"), "the downtime");
  assert.equal((await inject("after")).delivered, 1);
  await subscriber.waitForEvents(2);
  assert.equal(subscriber.closed, false, "the socket outlived the object's memory");
  const entries = subscriber.frames.filter((m) => m.type === "event" || m.type === "downtime");
  assert.deepEqual(
    entries.map((m) => [m.type, m.seq]),
    [
      ["event", lastSeen],
      ["downtime", lastSeen + 1],
      ["event", lastSeen + 2],
    ],
  );
  assert.deepEqual(
    subscriber.events.map((event) => event.payload.content),
    ["before", "after"],
  );
  subscriber.close();
});

test("a reset of the instance (POST /_test/evict, ctx.abort) closes the subscribers' sockets, like a crash", {
  timeout: 30_000,
}, async () => {
  await ready();
  const subscriber = await hub.subscribe("protocol=2");
  await subscriber.ready();
  const evicted = await hub.request("/_test/evict", { body: {} });
  assert.deepEqual(evicted.body, { evicted: true });
  await subscriber.waitFor(() => subscriber.closed, "the socket to close");
  await ready();
});

test("a deploy closes the subscribers' sockets; resuming with since brings the downtime, then live events", {
  timeout: 60_000,
}, async () => {
  await ready();
  const subscriber = await hub.subscribe("protocol=2");
  await subscriber.ready();
  assert.equal((await inject("before deploy")).delivered, 1);
  await subscriber.waitForEvents(1);
  const lastSeen = subscriber.events.at(-1).seq;
  await hub.deploy();
  await subscriber.waitFor(() => subscriber.closed, "the deploy to close the subscriber");
  await upstreamGone();
  assert.equal((await inject("lost in the deploy")).delivered, 0);
  await ready();
  const resumed = await hub.subscribe(`protocol=2&since=${lastSeen}`);
  await resumed.ready();
  const downtime = resumed.frames.find((m) => m.type === "downtime");
  assert.ok(downtime, "the replay carries the downtime");
  assert.equal(downtime.seq, lastSeen + 1, "the sequence went on from the stored log");
  assert.equal((await inject("after deploy")).delivered, 1);
  await resumed.waitForEvents(1);
  assert.equal(resumed.events[0].seq, lastSeen + 2);
  resumed.close();
});
