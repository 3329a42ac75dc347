// @ts-check
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { Fingerprints } from "../../emulator/fingerprints.js";
import {
  DEFAULT_TOKENS,
  EVENT_NAMES,
  eventsForTier,
  isKnownEvent,
  startEmulator,
  tierAllows,
} from "../../emulator/index.js";
import { TrafficSource } from "../../emulator/traffic.js";
import { collect, SocketPool, sleep, waitFor } from "./emulator-helpers.js";

const token = { ...DEFAULT_TOKENS[0], websites: [...(DEFAULT_TOKENS[0]?.websites ?? [])] };
const [W1, W2] = /** @type {[string, string]} */ (token.websites);
const SESSION = /^session_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("event catalog", () => {
  it("has the 82 reference names and the tier rules", () => {
    assert.equal(EVENT_NAMES.length, 82);
    assert.equal(new Set(EVENT_NAMES).size, 82);
    assert.ok(isKnownEvent("message:send") && !isKnownEvent("message:sent"));
    assert.equal(eventsForTier("plugin").length, 72);
    assert.equal(eventsForTier("user").length, 81);
    assert.ok(!tierAllows("plugin", "campaign:progress") && tierAllows("user", "campaign:progress"));
    assert.ok(tierAllows("plugin", "identity:verify:request") && !tierAllows("user", "identity:verify:request"));
    assert.ok(!tierAllows("website", "spam:decision") && !tierAllows("website", "identity:verify:request"));
  });
});

describe("emulator injection and traffic", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  const pool = new SocketPool();
  before(async () => {
    emu = await startEmulator({ fingerprintStart: 1000 });
  });
  after(() => emu.close());
  afterEach(async () => {
    pool.closeAll();
    await emu.control.reset();
  });

  it("inject fills website_id, fingerprint and timestamp, per website and monotonic", async () => {
    const socket = await pool.authed(emu, token, {
      events: ["message:send", "message:compose:send", "message:updated"],
    });
    const got = collect(socket, "message:send");
    const first = await emu.control.inject({
      event: "message:send",
      website_id: W1,
      payload: { type: "text", content: "a" },
    });
    assert.equal(first.delivered, 1);
    assert.equal(first.payload.website_id, W1);
    assert.equal(typeof first.payload.fingerprint, "number");
    assert.ok(Math.abs(Number(first.payload.timestamp) - Date.now()) < 5000);
    const second = await emu.control.inject({ event: "message:send", website_id: W1 });
    assert.equal(second.payload.fingerprint, Number(first.payload.fingerprint) + 1);
    const explicit = await emu.control.inject({
      event: "message:send",
      payload: { website_id: W1, fingerprint: 5000, timestamp: 1 },
    });
    assert.equal(explicit.payload.fingerprint, 5000);
    assert.equal(explicit.payload.timestamp, 1);
    assert.equal((await emu.control.inject({ event: "message:send", website_id: W1 })).payload.fingerprint, 5001);
    const other = await emu.control.inject({ event: "message:send", website_id: W2 });
    assert.ok(Number(other.payload.fingerprint) < 5000, "each website has its own sequence");
    const compose = await emu.control.inject({
      event: "message:compose:send",
      website_id: W1,
      payload: { type: "start" },
    });
    assert.equal(typeof compose.payload.timestamp, "number");
    assert.equal(compose.payload.fingerprint, undefined);
    const updated = await emu.control.inject({
      event: "message:updated",
      website_id: W1,
      payload: { fingerprint: 1000, content: "b" },
    });
    assert.deepEqual(updated.payload, { fingerprint: 1000, content: "b", website_id: W1 });
    await waitFor(() => got.length === 5);
    assert.deepEqual(
      got.map((m) => m.fingerprint),
      [first.payload.fingerprint, second.payload.fingerprint, 5000, 5001, other.payload.fingerprint],
    );
  });

  it("inject over HTTP answers with the delivered count and payload", async () => {
    await pool.authed(emu, token, { events: ["message:received"] });
    const response = await fetch(`${emu.controlUrl}/inject`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        event: "message:received",
        website_id: W2,
        payload: { type: "text", content: "hi", from: "operator" },
      }),
    });
    const body = await response.json();
    assert.equal(body.delivered, 1);
    assert.equal(body.payload.website_id, W2);
    const unknown = await fetch(`${emu.controlUrl}/inject`, {
      method: "POST",
      body: JSON.stringify({ event: "message:send", token: "nobody" }),
    });
    assert.equal(unknown.status, 400);
    await unknown.arrayBuffer();
  });

  it("flood sends contiguous fingerprints, all received in order", async () => {
    const socket = await pool.authed(emu, token, { events: ["message:send"] });
    const got = collect(socket, "message:send");
    const result = await emu.control.flood({ event: "message:send", count: 1000, website_id: W1 });
    assert.equal(result.sent, 1000);
    assert.equal(result.delivered, 1000);
    assert.equal(Number(result.lastFingerprint) - Number(result.firstFingerprint), 999);
    await waitFor(() => got.length === 1000, 5000);
    got.forEach((message, i) => {
      assert.equal(message.fingerprint, Number(result.firstFingerprint) + i);
      assert.equal(message.website_id, W1);
      assert.equal(message.type, "text");
      assert.equal(message.from, "user");
    });
  });

  it("flood can space events and use a payload template", async () => {
    const socket = await pool.authed(emu, token, { events: ["session:set_state"] });
    const got = collect(socket, "session:set_state");
    const result = await emu.control.flood({
      event: "session:set_state",
      count: 4,
      intervalMs: 20,
      payload: { state: "resolved", session_id: "session_x" },
    });
    assert.ok(result.elapsedMs >= 55, `elapsed ${result.elapsedMs}`);
    assert.equal(result.firstFingerprint, null);
    await waitFor(() => got.length === 4);
    assert.deepEqual(got[0], { state: "resolved", session_id: "session_x", website_id: W1 });
  });

  it("the generator produces Crisp-shaped conversations with per-website increasing fingerprints", async () => {
    const socket = await pool.authed(emu, token);
    /** @type {{ name: string, payload: any }[]} */
    const events = [];
    socket.onAny((name, payload) => events.push({ name, payload }));
    assert.deepEqual(await emu.control.traffic({ rate: 1000, seed: 7 }), { rate: 1000, seed: 7 });
    await waitFor(() => events.length >= 300, 5000);
    await emu.control.traffic({ rate: 0 });
    await sleep(50);
    const names = new Set(events.map((e) => e.name));
    for (const name of [
      "message:send",
      "message:received",
      "message:compose:send",
      "message:compose:receive",
      "session:set_state",
      "session:update_availability",
      "website:update_visitors_count",
      "message:acknowledge:read:send",
    ]) {
      assert.ok(names.has(name), `generated ${name}`);
    }
    /** @type {Map<string, number>} */
    const lastFingerprint = new Map();
    for (const { name, payload } of events) {
      assert.ok(token.websites.includes(payload.website_id), `${name} has a website of the token`);
      if (name !== "website:update_visitors_count") assert.match(payload.session_id, SESSION);
      if (name === "message:send" || name === "message:received") {
        assert.equal(typeof payload.fingerprint, "number");
        assert.equal(typeof payload.timestamp, "number");
        assert.ok(["text", "file", "animation"].includes(payload.type));
        assert.equal(payload.from, name === "message:send" ? "user" : "operator");
        assert.equal(payload.origin, "chat");
        if (payload.type === "text") assert.equal(typeof payload.content, "string");
        else assert.equal(typeof payload.content.url, "string");
        if (name === "message:received") {
          assert.match(payload.user.user_id, /^[0-9a-f-]{36}$/);
          assert.equal(typeof payload.user.nickname, "string");
        }
        assert.ok(
          payload.fingerprint > (lastFingerprint.get(payload.website_id) ?? 0),
          "fingerprints increase per website",
        );
        lastFingerprint.set(payload.website_id, payload.fingerprint);
      }
      if (name === "session:set_state") assert.ok(["pending", "unresolved", "resolved"].includes(payload.state));
      if (name.startsWith("message:compose:")) assert.ok(["start", "stop"].includes(payload.type));
      if (name === "message:acknowledge:read:send") assert.ok(Array.isArray(payload.fingerprints));
    }
    const state = await emu.control.state();
    assert.ok(state.traffic.generated >= 300);
  });

  it("the traffic source is deterministic for a seed", () => {
    const run = (/** @type {number} */ seed) => {
      const source = new TrafficSource({ seed, websites: () => [W1, W2], fingerprints: new Fingerprints(1) });
      return Array.from({ length: 200 }, () => {
        const event = source.next();
        return `${event?.name} ${event?.payload.session_id} ${event?.payload.fingerprint ?? ""}`;
      });
    };
    assert.deepEqual(run(42), run(42));
    assert.notDeepEqual(run(42), run(43));
  });
});
