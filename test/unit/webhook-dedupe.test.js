// @ts-check
// Deduplication helpers for a hub that hears events both over the socket and as web hooks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { loadLibrary } from "./webhook-helpers.js";

const lib = await loadLibrary();
const W = "website-1";
const S = "session-1";

test("webhookEventKey is the same for the socket and the web hook copy of a message", () => {
  const data = { website_id: W, session_id: S, fingerprint: 123, content: "hi" };
  const fromSocket = lib.webhookEventKey({ event: "message:send", data });
  const fromHook = lib.webhookEventKey({
    website_id: W,
    event: "message:send",
    data: { session_id: S, fingerprint: 123, content: "hi" },
  });
  assert.equal(fromSocket, JSON.stringify([W, S, "message:send", 123]));
  assert.equal(fromHook, fromSocket);
  assert.notEqual(lib.webhookEventKey({ event: "message:received", data }), fromSocket);
  assert.notEqual(lib.webhookEventKey({ event: "message:send", data: { ...data, session_id: "s2" } }), fromSocket);
  assert.notEqual(lib.webhookEventKey({ event: "message:send", data: { ...data, fingerprint: 124 } }), fromSocket);
});

test("webhookEventKey is null without a fingerprint, and for message:updated", () => {
  assert.equal(
    lib.webhookEventKey({ event: "session:set_state", data: { website_id: W, session_id: S, state: "resolved" } }),
    null,
  );
  assert.equal(lib.webhookEventKey({ event: "message:send", data: { fingerprint: null } }), null);
  assert.equal(lib.webhookEventKey({ event: "message:send", data: { fingerprint: Number.NaN } }), null);
  assert.equal(
    lib.webhookEventKey({
      event: "message:updated",
      data: { website_id: W, session_id: S, fingerprint: 1, content: "edit" },
    }),
    null,
  );
  assert.ok(lib.webhookEventKey({ event: "message:removed", data: { website_id: W, session_id: S, fingerprint: 1 } }));
});

test("webhookEventDigest ignores key order and where website_id sits, and tells content apart", async () => {
  const a = await lib.webhookEventDigest({
    event: "session:set_state",
    data: { website_id: W, session_id: S, state: "resolved", nested: { b: 1, a: [1, { d: 2, c: 3 }] } },
  });
  const b = await lib.webhookEventDigest({
    website_id: W,
    event: "session:set_state",
    data: { nested: { a: [1, { c: 3, d: 2 }], b: 1 }, state: "resolved", session_id: S, website_id: W },
  });
  assert.match(a, /^sha256:[0-9a-f]{64}$/);
  assert.equal(a, b);
  assert.notEqual(
    await lib.webhookEventDigest({
      event: "session:set_state",
      data: { website_id: W, session_id: S, state: "pending", nested: { b: 1, a: [1, { d: 2, c: 3 }] } },
    }),
    a,
  );
  assert.notEqual(
    await lib.webhookEventDigest({
      event: "session:set_state",
      data: { website_id: W, session_id: S, state: "resolved", nested: { b: 1, a: [{ d: 2, c: 3 }, 1] } },
    }),
    a,
  );
  const cyclic = /** @type {Record<string, unknown>} */ ({});
  cyclic.self = cyclic;
  await assert.rejects(
    lib.webhookEventDigest({ event: "x", data: cyclic }),
    (error) => error instanceof lib.RTMError && error.code === "invalid_options",
  );
});

test("RecentKeys remembers keys for ttlMs and at most capacity of them, oldest dropped first", () => {
  let now = 0;
  const keys = new lib.RecentKeys({ capacity: 3, ttlMs: 1000, now: () => now });
  assert.equal(keys.add("a"), true);
  assert.equal(keys.add("a"), false);
  assert.equal(keys.has("a"), true);
  now = 500;
  keys.add("b");
  keys.add("c");
  keys.add("d");
  assert.equal(keys.size, 3);
  assert.equal(keys.has("a"), false, "a was the oldest");
  now = 1200;
  assert.equal(keys.add("e"), true);
  assert.equal(keys.has("b"), false, "b was the oldest then");
  assert.equal(keys.has("c"), true);
  now = 1600;
  assert.equal(keys.has("c"), false, "c expired");
  assert.equal(keys.size, 1, "only e is left");
  assert.equal(keys.add("c"), true);
  assert.equal(keys.delete("c"), true);
  assert.equal(keys.has("c"), false);
  keys.clear();
  assert.equal(keys.size, 0);
  assert.throws(
    () => new lib.RecentKeys({ capacity: 0 }),
    (error) => error instanceof lib.RTMError && error.code === "invalid_options",
  );
  assert.throws(
    () => new lib.RecentKeys({ ttlMs: 0 }),
    (error) => error instanceof lib.RTMError && error.code === "invalid_options",
  );
});

test("EventDeduper: a fingerprinted event passes once whatever the transport and the retries", async () => {
  const deduper = new lib.EventDeduper();
  const data = { website_id: W, session_id: S, fingerprint: 7 };
  assert.equal(await deduper.admit("socket", { event: "message:send", data }), true);
  assert.equal(await deduper.admit("webhook", { website_id: W, event: "message:send", data }), false);
  assert.equal(await deduper.admit("webhook", { website_id: W, event: "message:send", data }), false);
  assert.equal(await deduper.admit("webhook", { event: "message:send", data: { ...data, fingerprint: 8 } }), true);
});

test("EventDeduper: events without a fingerprint pair across transports; true repeats all pass", async () => {
  const deduper = new lib.EventDeduper();
  /** @param {string} state */
  const state = (state) => ({ event: "session:set_state", data: { website_id: W, session_id: S, state } });
  const answers = await Promise.all([
    deduper.admit("socket", state("resolved")),
    deduper.admit("socket", state("unresolved")),
    deduper.admit("socket", state("resolved")),
    deduper.admit("webhook", state("resolved")),
    deduper.admit("webhook", state("unresolved")),
    deduper.admit("webhook", state("resolved")),
    deduper.admit("webhook", state("resolved")),
  ]);
  assert.deepEqual(answers, [true, true, true, false, false, false, true]);
});

test("EventDeduper: a web hook retry of a pending copy is a duplicate; a first delivery is not", async () => {
  const deduper = new lib.EventDeduper();
  const hook = { website_id: W, event: "session:set_state", data: { session_id: S, state: "resolved" } };
  assert.equal(await deduper.admit("webhook", { ...hook, delivery: { attempt: 1 } }), true);
  assert.equal(await deduper.admit("webhook", { ...hook, delivery: { attempt: 2 } }), false);
  assert.equal(await deduper.admit("webhook", { ...hook, delivery: { attempt: 1 } }), true, "a genuine repeat");
  assert.equal(
    await deduper.admit("socket", { event: hook.event, data: { website_id: W, ...hook.data } }),
    false,
    "pairs with a pending copy",
  );
  assert.equal(
    await deduper.admit("webhook", { ...hook, data: { ...hook.data, state: "pending" }, delivery: { attempt: 3 } }),
    true,
    "a retry of nothing seen",
  );
});

test("EventDeduper: a copy that waited longer than pairTtlMs is no longer paired", async () => {
  let now = 0;
  const deduper = new lib.EventDeduper({ pairTtlMs: 1000, now: () => now });
  const event = { event: "website:update_visitors_count", data: { website_id: W, visitors_count: 3 } };
  assert.equal(await deduper.admit("socket", event), true);
  now = 1500;
  assert.equal(await deduper.admit("webhook", event), true);
  assert.equal(await deduper.admit("socket", event), false);
});

test("EventDeduper answers in call order, mixing fingerprinted and hashed events", async () => {
  const deduper = new lib.EventDeduper();
  /** @type {number[]} */
  const order = [];
  const calls = [];
  for (let i = 0; i < 20; i++) {
    const event =
      i % 2 === 0
        ? { event: "session:set_data", data: { website_id: W, session_id: S, data: { i, blob: "x".repeat(5000) } } }
        : { event: "message:send", data: { website_id: W, session_id: S, fingerprint: i } };
    calls.push(deduper.admit(i % 3 === 0 ? "webhook" : "socket", event).then(() => order.push(i)));
  }
  await Promise.all(calls);
  assert.deepEqual(order, [...Array(20).keys()]);
  await assert.rejects(
    deduper.admit(/** @type {any} */ ("carrier-pigeon"), { event: "x", data: {} }),
    (error) => error instanceof lib.RTMError && error.code === "invalid_options",
  );
});
