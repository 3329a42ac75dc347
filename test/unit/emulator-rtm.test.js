// @ts-check
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { DEFAULT_TOKENS, eventsForTier, startEmulator } from "../../emulator/index.js";
import { authenticate, collect, firesWithin, once, SocketPool, sleep, waitFor } from "./emulator-helpers.js";

const USER = {
  identifier: "user-token-1",
  key: "user-key-1",
  websites: ["aaaaaaaa-0000-4000-8000-000000000001"],
  tier: "user",
};
const [A, B] = DEFAULT_TOKENS.map((t) => ({ ...t, websites: [...t.websites] }));
const a = /** @type {NonNullable<typeof A>} */ (A);
const b = /** @type {NonNullable<typeof B>} */ (B);
const [W1, W2] = /** @type {[string, string]} */ (a.websites);
const NEW_WEBSITE = "bbbbbbbb-0000-4000-8000-000000000009";

describe("emulator RTM protocol", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  const pool = new SocketPool();
  before(async () => {
    emu = await startEmulator({
      tokens: [a, b, { ...USER, tier: "user" }],
      authTimeoutMs: 300,
      unauthorizedDelayMs: 50,
    });
  });
  after(() => emu.close());
  afterEach(async () => {
    pool.closeAll();
    await waitFor(async () => (await emu.control.state()).connections.length === 0);
    await emu.control.reset();
  });

  it("authenticates with `true` and defaults to every tier event and every website", async () => {
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    const answer = await authenticate(socket, { username: a.identifier, password: a.key, tier: "plugin" });
    assert.equal(answer, true);
    const [conn] = (await emu.control.state()).connections;
    assert.equal(conn?.token, a.identifier);
    assert.equal(conn?.authenticated, true);
    assert.deepEqual(conn?.events, eventsForTier("plugin"));
    assert.deepEqual(conn?.rooms, [W1, W2]);
    assert.equal(conn?.remoteAddress, "127.0.0.1");
    const { counters } = await emu.control.state();
    assert.equal(counters.handshakes, 1);
    assert.equal(counters.namespaceConnects, 1);
    assert.equal(counters.authenticated, 1);
  });

  it("accepts an authentication without tier (as in Crisp's quickstart)", async () => {
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    assert.equal(
      await authenticate(socket, { username: a.identifier, password: a.key, events: ["message:send"] }),
      true,
    );
  });

  it("disconnects a socket that does not authenticate before the deadline", async () => {
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    const started = Date.now();
    assert.equal(await once(socket, "disconnect", 2000), "io server disconnect");
    assert.ok(Date.now() - started >= 250, "not before the deadline");
    assert.equal((await emu.control.state()).counters.authTimeouts, 1);
  });

  it("answers a wrong key with `unauthorized` then disconnects, recording no key", async () => {
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    const unauthorized = once(socket, "unauthorized");
    const disconnected = once(socket, "disconnect");
    socket.emit("authentication", { username: a.identifier, password: "wrong-secret-123", tier: "plugin" });
    assert.match((await unauthorized).message, /Invalid session/);
    assert.equal(await disconnected, "io server disconnect");
    const state = await emu.control.state();
    assert.equal(state.auths[0]?.result, "unauthorized");
    assert.equal(state.auths[0]?.passwordMatched, false);
    assert.equal(state.counters.unauthorized, 1);
    assert.ok(!JSON.stringify(state).includes("wrong-secret-123"));
  });

  it("rejects rooms the token does not own and a tier that does not match", async () => {
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    await assert.rejects(
      authenticate(socket, { username: a.identifier, password: a.key, tier: "plugin", rooms: [W1, b.websites[0]] }),
      new RegExp(`Rooms not allowed.*${b.websites[0]}`),
    );
    const other = pool.open(emu.rtmUrl);
    await once(other, "connect");
    await assert.rejects(
      authenticate(other, { username: a.identifier, password: a.key, tier: "user" }),
      /Invalid session/,
    );
    const state = await emu.control.state();
    assert.equal(state.auths[0]?.passwordMatched, true);
  });

  it("filters deliveries by events and rooms", async () => {
    const sends = pool.open(emu.rtmUrl);
    await once(sends, "connect");
    await authenticate(sends, {
      username: a.identifier,
      password: a.key,
      tier: "plugin",
      events: ["message:send"],
      rooms: [W1],
    });
    const got = collect(sends, "message:send");
    const gotReceived = collect(sends, "message:received");
    assert.equal(
      (await emu.control.inject({ event: "message:received", website_id: W1, payload: { type: "text", content: "x" } }))
        .delivered,
      0,
    );
    assert.equal(
      (await emu.control.inject({ event: "message:send", website_id: W2, payload: { type: "text", content: "x" } }))
        .delivered,
      0,
    );
    assert.equal(
      (await emu.control.inject({ event: "message:send", website_id: W1, payload: { type: "text", content: "y" } }))
        .delivered,
      1,
    );
    assert.equal((await emu.control.inject({ event: "message:send", website_id: b.websites[0] ?? "" })).delivered, 0);
    await waitFor(() => got.length === 1);
    assert.equal(got[0].content, "y");
    assert.equal(got[0].website_id, W1);
    assert.equal(gotReceived.length, 0);
  });

  it("applies tier rules to the default subscription and routes website-less events by token", async () => {
    const plugin = await pool.authed(emu, a);
    const user = await pool.authed(emu, USER);
    const other = await pool.authed(emu, b);
    const spam = collect(user, "spam:message");
    assert.equal(
      (await emu.control.inject({ event: "spam:message", website_id: USER.websites[0] ?? "" })).delivered,
      1,
    );
    assert.equal((await emu.control.inject({ event: "spam:message", website_id: W1 })).delivered, 0, "user-only event");
    assert.equal((await emu.control.inject({ event: "identity:verify:request", website_id: W1 })).delivered, 1);
    assert.equal(
      (await emu.control.inject({ event: "identity:verify:request", website_id: USER.websites[0] ?? "" })).delivered,
      0,
      "plugin-only event",
    );
    const buckets = collect(plugin, "bucket:url:upload:generated");
    const otherBuckets = collect(other, "bucket:url:upload:generated");
    const bucket = await emu.control.inject({
      event: "bucket:url:upload:generated",
      token: a.identifier,
      payload: { resource: { id: "r1" } },
    });
    assert.equal(bucket.delivered, 1);
    assert.equal(
      (await emu.control.inject({ event: "bucket:url:upload:generated" })).delivered,
      3,
      "no token: every token",
    );
    await waitFor(() => buckets.length === 2 && otherBuckets.length === 1 && spam.length === 1);
    assert.deepEqual(buckets[0], { resource: { id: "r1" } });
  });

  it("ignores binds before authentication and records them", async () => {
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    socket.emit("socket:bind", { events: ["message:send"] });
    await waitFor(async () => (await emu.control.state()).binds.length === 1);
    await authenticate(socket, { username: a.identifier, password: a.key, tier: "plugin" });
    const state = await emu.control.state();
    assert.equal(state.binds[0]?.accepted, false);
    assert.equal(state.connections[0]?.events.length, eventsForTier("plugin").length);
  });

  it("replaces, pushes and pops events and rooms; `socket:bind {}` re-reads websites", async () => {
    const socket = await pool.authed(emu, a, { events: ["message:send"], rooms: [W1] });
    const binds = async (/** @type {number} */ n) =>
      waitFor(async () => (await emu.control.state()).binds.length === n);
    const conn = async () =>
      /** @type {import("../../emulator/rtm.js").ConnectionState} */ ((await emu.control.state()).connections[0]);

    socket.emit("socket:bind", { events: ["message:received"] });
    await binds(1);
    assert.deepEqual((await conn()).events, ["message:received"]);
    assert.deepEqual((await conn()).rooms, [W1], "rooms left as they were");

    socket.emit("socket:bind:push", { events: ["message:send"], rooms: [W2] });
    await binds(2);
    assert.deepEqual((await conn()).events, ["message:received", "message:send"]);
    assert.deepEqual((await conn()).rooms, [W1, W2]);

    socket.emit("socket:bind:pop", { events: ["message:received"], rooms: [W1] });
    await binds(3);
    assert.deepEqual((await conn()).events, ["message:send"]);
    assert.deepEqual((await conn()).rooms, [W2]);

    socket.emit("socket:bind", { rooms: [W1, b.websites[0]] });
    await binds(4);
    assert.deepEqual((await conn()).rooms, [W1]);
    assert.deepEqual((await emu.control.state()).binds[3]?.rejectedRooms, [b.websites[0]]);

    await emu.control.tokenWebsites({ identifier: a.identifier, websites: [W1, W2, NEW_WEBSITE] });
    try {
      assert.equal((await emu.control.inject({ event: "message:send", website_id: NEW_WEBSITE })).delivered, 0);
      socket.emit("socket:bind", {});
      await binds(5);
      assert.deepEqual((await conn()).rooms, [W1, W2, NEW_WEBSITE]);
      const got = collect(socket, "message:send");
      assert.equal((await emu.control.inject({ event: "message:send", website_id: NEW_WEBSITE })).delivered, 1);
      await waitFor(() => got.length === 1);
    } finally {
      await emu.control.tokenWebsites({ identifier: a.identifier, websites: [W1, W2] });
    }
  });

  it("kicks a socket authenticating over the per-token limit", async () => {
    await emu.control.config({ connectionLimit: 1 });
    await pool.authed(emu, a);
    await pool.authed(emu, b);
    const extra = pool.open(emu.rtmUrl);
    await once(extra, "connect");
    const disconnected = once(extra, "disconnect");
    const authenticated = firesWithin(extra, "authenticated", 300);
    extra.emit("authentication", { username: a.identifier, password: a.key, tier: "plugin" });
    assert.equal(await disconnected, "io server disconnect");
    assert.equal(await authenticated, false);
    const state = await emu.control.state();
    assert.equal(state.auths.at(-1)?.result, "kicked");
    assert.equal(state.counters.kicked, 1);
  });

  it("leaves a socket over the limit silent in silent mode", async () => {
    await emu.control.config({ connectionLimit: 1, limitMode: "silent" });
    const first = await pool.authed(emu, a, { events: ["message:send"] });
    const silent = await pool.authed(emu, a, { events: ["message:send"] });
    const firstGot = collect(first, "message:send");
    const silentGot = collect(silent, "message:send");
    assert.equal((await emu.control.inject({ event: "message:send", website_id: W1 })).delivered, 1);
    await waitFor(() => firstGot.length === 1);
    await sleep(50);
    assert.equal(silentGot.length, 0);
    const state = await emu.control.state();
    assert.deepEqual(state.connections.map((c) => c.silenced).sort(), [false, true]);
  });
});
