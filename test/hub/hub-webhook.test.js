// @ts-check
// `POST /webhook` of the Durable Object hub in workerd (Miniflare), with the Crisp emulator both on the socket
// and signing and POSTing web hooks to the Worker's loopback address: verified hooks join the events' sequence
// and replay log, each event reaches subscribers once whichever transport brings it first (fingerprinted
// events; `session:set_state` pairs without a fingerprint), hooks keep flowing while the upstream is stopped,
// and rejected hooks leave no trace. One upstream connection throughout. Needs `npm run build` first.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEmulator } from "../../emulator/index.js";
import { eventually, startHub } from "./harness.js";

const WEBHOOK_SECRET = "crisp-plugin-hook-secret-for-tests";
const SESSION = "session_9f0c2a4e-1d2b-4c3d-8e4f-5a6b7c8d9e0f";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;
/** @type {import("./harness.js").Hub} */
let hub;
/** @type {string} */
let siteA;
/** @type {string} */
let siteB;
/** @type {string} */
let hookUrl;
let nextFingerprint = 900_000_000;
let markers = 0;

before(async () => {
  emu = await startEmulator({});
  const websites = emu.tokens[0]?.websites ?? [];
  siteA = websites[0] ?? "";
  siteB = websites[1] ?? "";
  hub = await startHub({ emu, vars: { CRISP_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  hookUrl = new URL("/webhook", hub.url).href;
});

after(async () => {
  await hub?.close();
  await emu?.close();
});

/**
 * Has the emulator sign and POST a web hook to the hub (the emulator's `POST /_emulator/webhook`).
 * @param {{ event: string, data: Record<string, unknown> } & Record<string, unknown>} fields
 * @returns {Promise<{ status: number, body: any }>}
 */
async function postHook(fields) {
  const response = await fetch(`${emu.controlUrl}/webhook`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ url: hookUrl, secret: WEBHOOK_SECRET, ...fields }),
  });
  assert.equal(response.status, 200, "the emulator reached the hub");
  const { status, text } = await response.json();
  return { status, body: JSON.parse(text) };
}

/**
 * Injects one event over the socket; resolves with the payload the upstream received.
 * @param {string} event
 * @param {Record<string, unknown>} payload
 * @returns {Promise<Record<string, unknown>>}
 */
async function injectSocket(event, payload) {
  const result = await emu.control.inject({ event, website_id: siteA, payload });
  assert.equal(result.delivered, 1, "exactly one upstream connection receives the event");
  return result.payload;
}

/** @param {string} content A text message with a fingerprint of its own, as a hook's `data` or an injected payload. */
function message(content) {
  nextFingerprint += 1;
  return {
    website_id: siteA,
    session_id: SESSION,
    type: "text",
    from: "user",
    origin: "chat",
    content,
    fingerprint: nextFingerprint,
    timestamp: Date.now(),
  };
}

/**
 * Injects a marker message over the socket and waits until the subscriber has it: every event that arrived
 * before it has been decided (logged or dropped), since the hub numbers events in arrival order.
 * @param {import("./harness.js").Subscriber} subscriber
 */
async function marker(subscriber) {
  markers += 1;
  const content = `marker ${markers}`;
  await injectSocket("message:send", { session_id: SESSION, type: "text", content });
  await subscriber.waitFor(
    (messages) => messages.some((m) => m.type === "event" && m.payload.content === content),
    content,
  );
}

/** @param {import("./harness.js").Subscriber} subscriber */
const summary = (subscriber) =>
  subscriber.events.map((event) => [event.name, event.source, event.payload.content ?? event.payload.state]);

/** Waits until the hub's upstream is ready and is the only connection. */
async function upstreamReady() {
  await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream to be ready");
  assert.equal((await emu.control.state()).connections.length, 1);
}

/** A subscriber that has had its greeting, and the newest sequence number at that point. */
async function subscribed() {
  const subscriber = await hub.subscribe();
  await subscriber.ready();
  return { subscriber, start: subscriber.messages[0].seq };
}

test("an event from the socket, then as a web hook: subscribers and the log get it once", async () => {
  await upstreamReady();
  const { subscriber, start } = await subscribed();
  const payload = await injectSocket("message:send", {
    session_id: SESSION,
    type: "text",
    from: "user",
    origin: "chat",
    content: "socket first",
  });
  assert.equal(typeof payload.fingerprint, "number");
  await subscriber.waitForEvents(1);
  const hook = await postHook({ event: "message:send", data: payload });
  assert.deepEqual(hook, { status: 200, body: { ok: true, seq: null, duplicate: true, filtered: false } });
  const retry = await postHook({ event: "message:send", data: payload, attempt: 2 });
  assert.deepEqual(
    retry.body,
    { ok: true, seq: null, duplicate: true, filtered: false },
    "Crisp's retry is a copy too",
  );
  await marker(subscriber);
  assert.deepEqual(summary(subscriber), [
    ["message:send", "socket", "socket first"],
    ["message:send", "socket", "marker 1"],
  ]);
  assert.deepEqual(
    subscriber.events.map((event) => event.seq),
    [start + 1, start + 2],
  );
  const replay = await hub.subscribe(`since=${start}`);
  await replay.ready();
  assert.deepEqual(replay.events, subscriber.events, "the replay log holds each event once");
  subscriber.close();
  replay.close();
});

test("an event as a web hook, then from the socket: subscribers and the log get it once", async () => {
  await upstreamReady();
  const { subscriber, start } = await subscribed();
  const data = message("hook first");
  const hook = await postHook({ event: "message:send", data });
  assert.deepEqual(hook, { status: 200, body: { ok: true, seq: start + 1, duplicate: false, filtered: false } });
  await subscriber.waitForEvents(1);
  const [first] = subscriber.events;
  assert.equal(first.source, "webhook");
  assert.equal(first.websiteId, siteA);
  assert.deepEqual(first.payload, data, "the hook's data, untouched");
  await injectSocket("message:send", { ...data, timestamp: Date.now() });
  const retry = await postHook({ event: "message:send", data, attempt: 2 });
  assert.equal(retry.body.duplicate, true);
  await marker(subscriber);
  assert.deepEqual(summary(subscriber), [
    ["message:send", "webhook", "hook first"],
    ["message:send", "socket", "marker 2"],
  ]);
  assert.deepEqual(
    subscriber.events.map((event) => event.seq),
    [start + 1, start + 2],
  );
  subscriber.close();
});

test("session:set_state (no fingerprint): one socket copy pairs with one web hook copy, real repeats pass", async () => {
  await upstreamReady();
  const { subscriber } = await subscribed();
  const state = { session_id: SESSION, state: "resolved" };
  const first = await injectSocket("session:set_state", state);
  await subscriber.waitForEvents(1);
  const twin = await postHook({ event: "session:set_state", data: first });
  assert.equal(twin.body.duplicate, true, "the web hook copy of the socket's event");
  const repeat = await postHook({ event: "session:set_state", data: first });
  assert.equal(repeat.body.duplicate, false, "the same state set again is a new event");
  assert.equal(typeof repeat.body.seq, "number");
  await injectSocket("session:set_state", state);
  await marker(subscriber);
  assert.deepEqual(summary(subscriber), [
    ["session:set_state", "socket", "resolved"],
    ["session:set_state", "webhook", "resolved"],
    ["message:send", "socket", "marker 3"],
  ]);
  subscriber.close();
});

test("while the upstream is stopped, web hooks get the next sequence numbers and are replayed", async () => {
  await upstreamReady();
  const { subscriber } = await subscribed();
  const stopped = await hub.request("/upstream", { body: { running: false } });
  assert.equal(stopped.body.upstream.state, "stopped");
  await eventually(async () => (await emu.control.state()).connections.length === 0, "the upstream to close");
  const { log, upstream } = await hub.status();
  const hook = await postHook({ event: "message:received", data: message("while stopped") });
  assert.deepEqual(hook.body, { ok: true, seq: log.seq + 1, duplicate: false, filtered: false });
  await subscriber.waitForEvents(1);
  assert.deepEqual(summary(subscriber), [["message:received", "webhook", "while stopped"]]);
  assert.equal(subscriber.events[0].seq, log.seq + 1);
  const replay = await hub.subscribe(`since=${log.seq}`);
  await replay.ready();
  assert.deepEqual(replay.events, subscriber.events);
  const after = await hub.status();
  assert.equal(after.upstream.state, "stopped", "a web hook does not restart a stopped upstream");
  assert.equal(after.upstream.opens, upstream.opens);
  assert.equal((await emu.control.state()).connections.length, 0);
  await hub.request("/upstream", { body: { running: true } });
  await upstreamReady();
  subscriber.close();
  replay.close();
});

test("rejected web hooks (signature, freshness, body) get their status and leave the log alone", async () => {
  await upstreamReady();
  const { subscriber, start } = await subscribed();
  const data = message("forged");
  const cases = [
    { status: 401, error: "webhook_signature", faults: { signature: "0".repeat(64) } },
    { status: 401, error: "webhook_signature", faults: { secret: "not-the-hook-secret" } },
    { status: 401, error: "webhook_signature", faults: { secret: null } },
    { status: 408, error: "webhook_stale", faults: { timestamp: Date.now() - 60 * 60_000 } },
    { status: 400, error: "webhook_invalid", faults: { body: "{not json" } },
    { status: 400, error: "webhook_invalid", faults: { body: JSON.stringify({ event: "message:send" }) } },
  ];
  for (const { status, error, faults } of cases) {
    const answer = await postHook({ event: "message:send", data, ...faults });
    assert.equal(answer.status, status, `${error}: ${JSON.stringify(answer.body)}`);
    assert.equal(answer.body.error, error);
    assert.equal(typeof answer.body.message, "string");
    assert.doesNotMatch(JSON.stringify(answer.body), new RegExp(WEBHOOK_SECRET));
  }
  assert.equal((await hub.request("/webhook", { auth: null })).status, 405);
  assert.equal((await hub.status()).log.seq, start, "nothing entered the log");
  const accepted = await postHook({ event: "message:send", data });
  assert.equal(accepted.body.seq, start + 1, "the genuine hook is still new: rejected ones were not remembered");
  await subscriber.waitForEvents(1);
  assert.deepEqual(summary(subscriber), [["message:send", "webhook", "forged"]]);
  subscriber.close();
});

test("web hooks pass the upstream filters of POST /bind", async () => {
  await upstreamReady();
  const bound = await hub.request("/bind", { body: { websites: [siteA] } });
  assert.equal(bound.status, 200);
  const seq = (await hub.status()).log.seq;
  const outside = await postHook({ event: "message:send", data: { ...message("other website"), website_id: siteB } });
  assert.deepEqual(outside.body, { ok: true, seq: null, duplicate: false, filtered: true });
  assert.equal((await hub.status()).log.seq, seq);
  await hub.request("/bind", { body: { websites: null } });
  await eventually(async () => {
    const { connections } = await emu.control.state();
    return connections.length === 1 && connections[0].authenticated && connections[0].rooms.length === 2;
  }, "every website again");
  await upstreamReady();
});
