// @ts-check
// The Durable Object hub's recovery of a downtime (issue 19), in workerd (Miniflare) against the emulator: the
// upstream socket is cut for a window while messages are sent (one also comes as a web hook); after the
// reconnect the hub reads the window back over REST into the same sequence and replay log, each message once
// (source "recovery" for those no other transport brought), then a `recovered` notice; later twins (socket and
// web hook) are dropped; the upstream socket held through the recovery's fetches survives it; a 403 is a notice
// with `forbidden_scope` and the socket stays up. Needs `npm run build` first.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEmulator } from "../../emulator/index.js";
import { eventually, startHub } from "./harness.js";

const WEBHOOK_SECRET = "crisp-plugin-hook-secret-for-tests";

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
  [siteA = "", siteB = ""] = emu.tokens[0]?.websites ?? [];
  // An explicit endpoint: every REST request the emulator logs is a recovery request.
  hub = await startHub({ emu, vars: { CRISP_WEBHOOK_SECRET: WEBHOOK_SECRET, CRISP_ENDPOINT: emu.rtmUrl } });
});

after(async () => {
  await hub?.close();
  await emu?.close();
});

/**
 * @param {string} event
 * @param {string} website
 * @param {string} session
 * @param {string} content
 * @returns {Promise<Record<string, any>>} the payload as sent
 */
async function inject(event, website, session, content) {
  const from = event === "message:send" ? "user" : "operator";
  const { payload } = await emu.control.inject({
    event,
    website_id: website,
    payload: { session_id: session, type: "text", from, origin: "chat", content, user: {} },
  });
  return payload;
}

/** @param {string} event @param {Record<string, unknown>} data */
async function postHook(event, data) {
  const response = await fetch(`${emu.controlUrl}/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ url: new URL("/webhook", hub.url).href, secret: WEBHOOK_SECRET, event, data }),
  });
  const { text } = await response.json();
  return JSON.parse(text);
}

/** Cuts the upstream for `downMs` (the emulator's RTM port closed); `during` runs while it is down. */
async function cut(/** @type {() => Promise<void>} */ during, downMs = 1500) {
  const restarted = emu.control.restart({ downMs });
  await eventually(async () => (await hub.status()).upstream.state !== "ready", "the upstream to notice the cut");
  await during();
  await restarted;
}

/** @param {import("./harness.js").Subscriber} subscriber */
const contents = (subscriber) => subscriber.events.map((e) => [e.payload.content, e.source]);

/** The whole recovery case on the hub running now (`socket` is how it opened its upstream). */
async function recoversOnce() {
  await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream to be ready");
  const subscriber = await hub.subscribe();
  await subscriber.ready();
  const start = subscriber.messages[0].seq;
  await inject("message:send", siteA, "session_live", "live before");
  await subscriber.waitForEvents(1);
  /** @type {Record<string, any>[]} */
  const missed = [];
  await cut(async () => {
    missed.push(await inject("message:send", siteA, "session_a", "missed 1"));
    missed.push(await inject("message:received", siteB, "session_b", "missed 2"));
    missed.push(await inject("message:send", siteA, "session_a", "missed 3"));
    // This one also arrives as a web hook while the socket is down: logged once, from the hook.
    missed.push(await inject("message:send", siteB, "session_b", "missed by the socket, hooked"));
    const hooked = await postHook("message:send", /** @type {Record<string, any>} */ (missed[3]));
    assert.equal(hooked.duplicate, false);
  });
  await subscriber.waitFor((messages) => messages.some((m) => m.type === "recovered"), "the recovered notice");
  const notice = subscriber.messages.find((m) => m.type === "recovered");
  const downtime = subscriber.messages.find((m) => m.type === "downtime");
  assert.ok(downtime, "the downtime message");
  assert.deepEqual(notice, {
    type: "recovered",
    since: downtime.since,
    until: downtime.until,
    count: 3,
    truncated: false,
  });
  assert.deepEqual(contents(subscriber).slice(0, 2), [
    ["live before", "socket"],
    ["missed by the socket, hooked", "webhook"],
  ]);
  assert.deepEqual(
    contents(subscriber).slice(2).sort(),
    [
      ["missed 1", "recovery"],
      ["missed 2", "recovery"],
      ["missed 3", "recovery"],
    ],
    "each message once, recovered ones marked",
  );
  const order = subscriber.messages
    .filter((m) => m.type !== "status")
    .map((m) => (m.type === "event" ? m.payload.content : m.type));
  assert.ok(
    order.indexOf("downtime") < order.indexOf("missed 1") && order.indexOf("missed 3") < order.indexOf("recovered"),
    order.join(", "),
  );
  assert.ok(order.indexOf("missed 1") < order.indexOf("missed 3"), "time order within a conversation");

  // Twins arriving later: a web hook copy and a socket copy of recovered messages.
  assert.equal((await postHook("message:send", /** @type {Record<string, any>} */ (missed[0]))).duplicate, true);
  await emu.control.inject({ event: "message:received", website_id: siteB, payload: { ...missed[1] } });
  // The upstream socket, held through the recovery's fetches, is still the same connection and still delivers.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const status = await hub.status();
  assert.equal(status.upstream.state, "ready");
  assert.equal(status.upstream.reconnects, 1, "no reconnect after the recovery");
  assert.equal((await emu.control.state()).connections.length, 1);
  await inject("message:send", siteA, "session_a", "live after");
  await subscriber.waitFor(
    (messages) => messages.some((m) => m.type === "event" && m.payload.content === "live after"),
    "a live message after the recovery",
  );
  assert.equal(subscriber.events.length, 6, "no twin delivered");
  assert.equal(subscriber.events.at(-1).source, "socket");
  // A subscriber resuming from before the downtime replays each recovered message once, from the log.
  const replay = await hub.subscribe(`since=${start}`);
  await replay.ready();
  assert.deepEqual(replay.events, subscriber.events);
  subscriber.close();
  replay.close();
}

test(
  "a downtime is recovered into the sequence once, then a recovered notice; twins dropped; the upstream (new WebSocket) survives",
  recoversOnce,
);

test("a 403 during recovery is a recovered notice with forbidden_scope, and the upstream stays up", async () => {
  await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream to be ready");
  const subscriber = await hub.subscribe();
  await subscriber.ready();
  await cut(async () => {
    await inject("message:send", siteA, "session_f", "lost to a 403");
    await emu.control.restMode({ mode: "403", count: null, retryAfter: 1 });
  }, 600);
  await subscriber.waitFor((messages) => messages.some((m) => m.type === "recovered"), "the recovered notice");
  const notice = subscriber.messages.find((m) => m.type === "recovered");
  assert.equal(notice.error, "forbidden_scope");
  assert.equal(notice.truncated, true);
  assert.equal(notice.count, 0);
  await emu.control.restMode({ mode: "ok" });
  const live = await inject("message:send", siteA, "session_f", "still live");
  await subscriber.waitFor(
    (messages) => messages.some((m) => m.type === "event" && m.payload.fingerprint === live.fingerprint),
    "a live message",
  );
  assert.equal((await hub.status()).upstream.state, "ready");
  subscriber.close();
});

test("the same with the upstream opened by fetch + Upgrade: it survives the recovery's fetches too", async () => {
  await hub.close();
  await emu.control.drop(); // the disposed hub's connection, which the emulator would only notice at its ping timeout
  hub = await startHub({
    emu,
    vars: { CRISP_WEBHOOK_SECRET: WEBHOOK_SECRET, CRISP_ENDPOINT: emu.rtmUrl, HUB_UPSTREAM_SOCKET: "fetch" },
  });
  await eventually(async () => (await hub.status()).upstream.state === "ready", "the new hub's upstream to be ready");
  await eventually(async () => (await emu.control.state()).connections.length === 1, "one upstream connection");
  // A downtime starts 1 s before the last frame received (transit slack): let the previous test's messages, which
  // this new hub never saw, fall outside the window, so the count below is this test's own.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  await recoversOnce();
});
