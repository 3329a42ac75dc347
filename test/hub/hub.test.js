// @ts-check
// The Durable Object hub of demo/worker in workerd (Miniflare) against the Crisp emulator over ws://:
// one upstream connection whatever the load, ordered fan-out with sequence numbers, filters and ticket scopes,
// resuming with `since`, gaps, authentication, the upstream drop and the re-open after an eviction.
// Needs `npm run build` (dist/crisp-rtm.js) first.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, test } from "node:test";
import { startEmulator } from "../../emulator/index.js";
import { eventually, SUBSCRIBER_SECRET, startHub, upstreamConnections } from "./harness.js";

const LOG_SIZE = 20;

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {import("./harness.js").Hub} */
let hub;
/** @type {string} */
let siteA;
/** @type {string} */
let siteB;

before(async () => {
  emu = await startEmulator({});
  const websites = emu.tokens[0]?.websites ?? [];
  siteA = websites[0] ?? "";
  siteB = websites[1] ?? "";
  hub = await startHub({ emu, vars: { HUB_LOG_SIZE: String(LOG_SIZE) } });
});

after(async () => {
  await hub?.close();
  await emu?.close();
});

/**
 * Injects events through the emulator, one at a time, each delivered to exactly one upstream connection.
 * @param {{ event?: string, website?: string }[]} specs
 */
async function inject(specs) {
  for (const [index, spec] of specs.entries()) {
    const result = await emu.control.inject({
      event: spec.event ?? "message:send",
      website_id: spec.website ?? siteA,
      payload: { type: "text", content: `event ${index}` },
    });
    assert.equal(result.delivered, 1, "exactly one upstream connection receives each event");
  }
}

/**
 * Waits until the hub has numbered events up to `seq` (the emulator's answer only says they were sent).
 * @param {number} seq
 */
async function logged(seq) {
  await eventually(async () => (await hub.status()).log.seq >= seq, `the hub to log #${seq}`);
}

/** @param {number} count */
const messages = (count, website = siteA) => Array.from({ length: count }, () => ({ event: "message:send", website }));

/** Waits until the hub's upstream is ready (and is the only connection). */
async function upstreamReady() {
  await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream to be ready");
  assert.equal((await emu.control.state()).connections.length, 1);
}

/**
 * A ticket signed like the hub signs them (key derived from the subscriber secret), with chosen claims.
 * @param {object} claims
 */
function craftTicket(claims) {
  claims = { id: `crafted-${Math.random()}`, ...claims };
  const key = createHmac("sha256", SUBSCRIBER_SECRET).update("crisp-hub ticket signing key v1").digest();
  const signed = `t1.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  return `${signed}.${createHmac("sha256", key).update(signed).digest("base64url")}`;
}

test("one upstream connection, however many subscribers and requests arrive at once", async () => {
  const burst = await Promise.all([
    ...Array.from({ length: 25 }, () => hub.subscribe()),
    ...Array.from({ length: 25 }, () => hub.status()),
  ]);
  await upstreamReady();
  const state = await emu.control.state();
  assert.equal(state.connections.length, 1);
  assert.equal(state.auths.length, 1, "one authentication");
  assert.equal((await hub.status()).subscribers, 25);
  for (const item of burst) if (item && typeof item === "object" && "close" in item) item.close();
  await eventually(async () => (await hub.status()).subscribers === 0, "the subscribers to leave");
  assert.equal((await upstreamConnections(emu)).length, 1);
});

test("N subscribers receive the same events, in order, with increasing sequence numbers", async () => {
  await upstreamReady();
  const subscribers = await Promise.all(Array.from({ length: 6 }, () => hub.subscribe()));
  await Promise.all(subscribers.map((subscriber) => subscriber.ready()));
  const start = (await hub.status()).log.seq;
  await inject([...messages(8), { event: "message:received", website: siteB }, ...messages(3, siteB)]);
  await Promise.all(subscribers.map((subscriber) => subscriber.waitForEvents(12)));
  const reference = subscribers[0]?.events ?? [];
  assert.deepEqual(
    reference.map((event) => event.seq),
    Array.from({ length: 12 }, (_, i) => start + i + 1),
  );
  assert.deepEqual(
    reference.map((event) => event.payload.content).slice(0, 8),
    Array.from({ length: 8 }, (_, i) => `event ${i}`),
  );
  assert.equal(reference[8]?.name, "message:received");
  assert.equal(reference[8]?.websiteId, siteB);
  for (const subscriber of subscribers) assert.deepEqual(subscriber.events, reference);
  const hello = subscribers[0]?.messages[0];
  assert.equal(hello.type, "hello");
  assert.equal(hello.upstream, "ready");
  subscribers[1]?.send('{"type":"ping"}');
  await subscribers[1]?.waitFor((m) => m.some((x) => x.type === "pong"), "the pong");
  for (const subscriber of subscribers) subscriber.close();
});

test("subscribers' filters and ticket scopes select events", async () => {
  await upstreamReady();
  const byName = await hub.subscribe("events=message:received");
  const byPattern = await hub.subscribe(`events=${encodeURIComponent("message:*")}&websites=${siteB}`);
  const ticket = async () => (await hub.request("/ticket", { body: { websites: [siteA] } })).body;
  const first = await ticket();
  assert.match(first.ticket, /^t1\./);
  assert.ok(first.expiresAt > Date.now());
  const browser = await hub.subscribe(`ticket=${encodeURIComponent(first.ticket)}`, null);
  const reused = await hub.subscribeRefused(`ticket=${encodeURIComponent(first.ticket)}`, null);
  assert.equal(reused.status, 401, "a ticket opens one subscription only");
  const narrowed = await hub.subscribe(`ticket=${encodeURIComponent((await ticket()).ticket)}&websites=${siteB}`, null);
  await Promise.all([byName, byPattern, browser, narrowed].map((subscriber) => subscriber.ready()));
  assert.deepEqual(browser.messages[0].scope, { events: null, websites: [siteA] });
  await inject([
    { event: "message:send", website: siteA },
    { event: "message:received", website: siteB },
    { event: "message:send", website: siteB },
  ]);
  await Promise.all([byName.waitForEvents(1), byPattern.waitForEvents(2), browser.waitForEvents(1)]);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(
    byName.events.map((e) => [e.name, e.websiteId]),
    [["message:received", siteB]],
  );
  assert.deepEqual(
    byPattern.events.map((e) => [e.name, e.websiteId]),
    [
      ["message:received", siteB],
      ["message:send", siteB],
    ],
  );
  assert.deepEqual(
    browser.events.map((e) => [e.name, e.websiteId]),
    [["message:send", siteA]],
  );
  assert.equal(narrowed.events.length, 0, "a ticket's scope cannot be widened by the query");
  for (const subscriber of [byName, byPattern, browser, narrowed]) subscriber.close();
});

test("a subscriber that resumes with since gets exactly the missed events, then live ones", async () => {
  await upstreamReady();
  const first = await hub.subscribe();
  await first.ready();
  await inject(messages(3));
  await first.waitForEvents(3);
  const lastSeen = first.events.at(-1).seq;
  first.close();
  await inject(messages(5));
  await logged(lastSeen + 5);
  const resumed = await hub.subscribe(`since=${lastSeen}`);
  await resumed.ready();
  const replayed = resumed.events.map((event) => event.seq);
  assert.deepEqual(
    replayed,
    [1, 2, 3, 4, 5].map((i) => lastSeen + i),
  );
  assert.deepEqual(
    resumed.messages.map((m) => m.type),
    ["hello", "event", "event", "event", "event", "event", "live"],
  );
  assert.deepEqual(resumed.messages.at(-1), { type: "live", seq: lastSeen + 5, replayed: 5 });
  await inject(messages(1));
  await resumed.waitForEvents(6);
  assert.equal(resumed.events.at(-1).seq, lastSeen + 6);
  resumed.close();
});

test("a subscriber is told when what it missed is older than the replay log", async () => {
  await upstreamReady();
  const status = await hub.status();
  const since = status.log.seq;
  await inject(messages(LOG_SIZE + 5));
  const last = since + LOG_SIZE + 5;
  await logged(last);
  const resumed = await hub.subscribe(`since=${since}`);
  await resumed.ready();
  assert.deepEqual(resumed.messages[1], { type: "gap", from: since + 1, to: last - LOG_SIZE });
  assert.deepEqual(
    resumed.events.map((event) => event.seq),
    Array.from({ length: LOG_SIZE }, (_, i) => last - LOG_SIZE + 1 + i),
  );
  const ahead = await hub.subscribe(`since=${last + 1000}`);
  await ahead.ready();
  assert.deepEqual(ahead.messages[1], { type: "reset", since: last + 1000, seq: last });
  assert.equal(ahead.messages[2].type, "gap");
  resumed.close();
  ahead.close();
});

test("unauthenticated subscribers and callers are refused", async () => {
  const refused = [
    await hub.subscribeRefused("", null),
    await hub.subscribeRefused("", "not-the-secret-not-the-secret"),
    await hub.subscribeRefused(
      `ticket=${encodeURIComponent(craftTicket({ exp: Date.now() - 1000, ev: null, ws: null }))}`,
      null,
    ),
    await hub.subscribeRefused(
      `ticket=${encodeURIComponent(`${craftTicket({ exp: Date.now() + 30_000, ev: null, ws: null })}x`)}`,
      null,
    ),
    await hub.subscribeRefused("ticket=t1.e30.AAAA", null),
  ];
  for (const answer of refused) {
    assert.equal(answer.status, 401);
    assert.equal(answer.body.error, "unauthorized");
  }
  const valid = await hub.subscribe(
    `ticket=${encodeURIComponent(craftTicket({ exp: Date.now() + 30_000, ev: null, ws: null }))}`,
    null,
  );
  valid.close();
  assert.equal((await hub.request("/ticket", { body: {}, auth: null })).status, 401);
  assert.equal(
    (await hub.request("/bind", { body: { events: ["message:send"] }, auth: "wrong-wrong-wrong-wrong" })).status,
    401,
  );
  assert.equal((await hub.request("/upstream", { body: { running: false }, auth: null })).status, 401);
  assert.equal((await hub.request("/_test/evict", { body: {}, auth: null })).status, 401);
  const publicStatus = await hub.request("/status", { auth: null });
  assert.equal(publicStatus.status, 200);
  assert.equal(publicStatus.body.filter, undefined, "the filters are only shown with the secret");
  assert.equal((await hub.request("/events", { auth: null })).status, 426);
  assert.equal((await hub.request("/nowhere")).status, 404);
  assert.equal((await hub.request("/bind")).status, 405);
  assert.equal((await hub.subscribeRefused("since=-1")).status, 400);
  assert.equal((await hub.subscribeRefused("events=bad%20name")).status, 400);
});

test("POST /bind changes the upstream filters on the one connection", async () => {
  await upstreamReady();
  const answer = await hub.request("/bind", { body: { events: ["message:send"], websites: [siteA] } });
  assert.equal(answer.status, 200);
  assert.deepEqual(answer.body.filter, { events: ["message:send"], websites: [siteA] });
  await eventually(async () => {
    const [connection] = await upstreamConnections(emu);
    return (
      connection?.events.join() === "message:send,plugin:subscription:updated" && connection.rooms.join() === siteA
    );
  }, "the bind to reach the emulator");
  const dropped = await emu.control.inject({
    event: "message:received",
    website_id: siteA,
    payload: { type: "text", content: "x" },
  });
  assert.equal(dropped.delivered, 0);
  const back = await hub.request("/bind", { body: { events: null, websites: null } });
  assert.deepEqual(back.body.filter, { events: null, websites: null });
  await eventually(async () => {
    const connections = await upstreamConnections(emu);
    return (
      connections.length === 1 &&
      connections[0].rooms.length === 2 &&
      connections[0].events.includes("message:received")
    );
  }, "every event and website again");
  assert.equal((await emu.control.state()).connections.length, 1);
});

test("an upstream drop: the hub reconnects, subscribers get the downtime, events flow again", async () => {
  await upstreamReady();
  const before = (await hub.status()).upstream.reconnects;
  const subscriber = await hub.subscribe();
  await subscriber.ready();
  await emu.control.drop();
  await subscriber.waitFor((m) => m.some((x) => x.type === "downtime"), "the downtime");
  await subscriber.waitFor((m) => m.some((x) => x.type === "status" && x.upstream === "ready"), "ready again");
  const statuses = subscriber.messages.filter((m) => m.type === "status").map((m) => m.upstream);
  assert.deepEqual(statuses, ["reconnecting", "ready"]);
  const downtime = subscriber.messages.find((m) => m.type === "downtime");
  assert.ok(downtime.until >= downtime.since && downtime.ms === downtime.until - downtime.since);
  assert.equal(typeof downtime.seq, "number");
  const status = await hub.status();
  assert.equal(status.upstream.reconnects, before + 1);
  await inject(messages(2));
  await subscriber.waitForEvents(2);
  assert.equal((await emu.control.state()).connections.length, 1);
  subscriber.close();
});

test("after an eviction the first request re-opens the upstream, and resuming subscribers learn the downtime", async () => {
  await upstreamReady();
  const subscriber = await hub.subscribe();
  await subscriber.ready();
  await inject(messages(1));
  await subscriber.waitForEvents(1);
  const lastSeen = subscriber.events.at(-1).seq;
  const evicted = await hub.request("/_test/evict", { body: {} });
  assert.deepEqual(evicted.body, { evicted: true });
  await eventually(async () => (await emu.control.state()).connections.length === 0, "the upstream to go away");
  const lost = await emu.control.inject({
    event: "message:send",
    website_id: siteA,
    payload: { type: "text", content: "lost" },
  });
  assert.equal(lost.delivered, 0, "Crisp does not keep events for a disconnected client");
  const status = await hub.status();
  assert.equal(status.upstream.lastOpen.reason, "request");
  await upstreamReady();
  const resumed = await hub.subscribe(`since=${lastSeen}`);
  await resumed.ready();
  const downtime = resumed.messages.find((m) => m.type === "downtime");
  assert.ok(downtime, "the replay carries the downtime");
  assert.equal(downtime.seq, lastSeen + 1);
  await inject(messages(1));
  await resumed.waitForEvents(1);
  assert.equal(resumed.events[0].seq, lastSeen + 2);
  assert.equal((await emu.control.state()).connections.length, 1);
  resumed.close();
});

test("POST /upstream switches the connection off and on", async () => {
  await upstreamReady();
  const stopped = await hub.request("/upstream", { body: { running: false } });
  assert.equal(stopped.body.running, false);
  assert.equal(stopped.body.upstream.state, "stopped");
  assert.equal(stopped.body.watchdog.nextAt, null);
  await eventually(async () => (await emu.control.state()).connections.length === 0, "the upstream to close");
  assert.equal((await hub.status()).upstream.state, "stopped", "a stopped hub stays stopped on requests");
  const started = await hub.request("/upstream", { body: { running: true } });
  assert.equal(started.body.running, true);
  await upstreamReady();
});
