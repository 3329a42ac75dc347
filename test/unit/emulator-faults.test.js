// @ts-check
import assert from "node:assert/strict";
import net from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import { DEFAULT_TOKENS, startEmulator } from "../../emulator/index.js";
import { authenticate, firesWithin, once, SocketPool, sleep, waitFor } from "./emulator-helpers.js";

const token = { ...DEFAULT_TOKENS[0], websites: [...(DEFAULT_TOKENS[0]?.websites ?? [])] };
const auth = { username: token.identifier, password: token.key, tier: "plugin" };

/**
 * Opens a raw TCP connection to the RTM port and sends a WebSocket upgrade request.
 * @param {number} port
 * @param {string} path
 * @returns {Promise<{ socket: net.Socket, received: () => string, closed: Promise<void> }>}
 */
async function rawUpgrade(port, path) {
  const socket = net.connect({ host: "127.0.0.1", port });
  let data = "";
  socket.on("data", (chunk) => {
    data += chunk;
  });
  socket.on("error", () => {});
  const closed = new Promise((resolve) => socket.on("close", () => resolve(undefined))).then(() => {});
  await once(socket, "connect");
  socket.write(
    `GET ${path}?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
  );
  return { socket, received: () => data, closed };
}

describe("emulator faults", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  const pool = new SocketPool();
  /** @type {net.Socket[]} */
  const raws = [];
  before(async () => {
    emu = await startEmulator({ pingInterval: 150, pingTimeout: 150, authTimeoutMs: 2000 });
  });
  after(() => emu.close());
  afterEach(async () => {
    pool.closeAll();
    for (const raw of raws.splice(0)) raw.destroy();
    await emu.control.reset();
    await waitFor(async () => (await emu.control.state()).connections.length === 0);
  });

  it("drop destroys connections without a close frame", async () => {
    const socket = await pool.authed(emu, token);
    assert.deepEqual(await emu.control.drop(), { dropped: 1 });
    assert.equal(await once(socket, "disconnect"), "transport close");
    await waitFor(async () => (await emu.control.state()).connections.length === 0);
  });

  it("restart closes the port, forgets sessions and listens again on the same port", async () => {
    const socket = pool.open(emu.rtmUrl, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 100 });
    socket.on("connect", () => socket.emit("authentication", auth));
    await once(socket, "authenticated");
    const firstId = (await emu.control.state()).connections[0]?.id;
    const port = emu.rtmPort;
    const restarting = emu.control.restart({ downMs: 300 });
    assert.equal(await once(socket, "disconnect"), "transport close");
    const refused = net.connect({ host: "127.0.0.1", port });
    const error = await once(refused, "error");
    assert.equal(error.code, "ECONNREFUSED");
    assert.equal((await emu.control.state()).faults.restarting, true);
    assert.deepEqual(await restarting, { downMs: 300, port });
    await once(socket, "authenticated", 3000);
    const state = await emu.control.state();
    assert.equal(state.rtmPort, port);
    assert.equal(state.connections.length, 1);
    assert.notEqual(state.connections[0]?.id, firstId);
    assert.ok(state.tcpLog.length >= 2 && state.counters.tcpConnections === state.tcpLog.length);
  });

  it("half-open silences existing and new connections (no pings) until turned off", async () => {
    const socket = await pool.authed(emu, token);
    await once(socket.io, "ping", 1000);
    assert.deepEqual(await emu.control.halfOpen(true), { halfOpen: true, affected: 1 });
    let pings = 0;
    socket.io.on("ping", () => {
      pings += 1;
    });
    assert.equal(await once(socket, "disconnect", 2000), "ping timeout");
    assert.equal(pings, 0);
    const late = pool.open(emu.rtmUrl, { timeout: 300 });
    assert.match((await once(late, "connect_error")).message, /timeout/);
    assert.equal((await emu.control.state()).faults.halfOpen, true);
    await emu.control.halfOpen({ enabled: false });
    await pool.authed(emu, token);
  });

  it("stall accepts connections but never answers the upgrade", async () => {
    await emu.control.stall(true);
    const raw = await rawUpgrade(emu.rtmPort, "/p/1/");
    raws.push(raw.socket);
    const late = pool.open(emu.rtmUrl, { timeout: 300 });
    assert.match((await once(late, "connect_error")).message, /timeout/);
    assert.equal(raw.received(), "");
    const { affected } = await emu.control.stall(false);
    assert.ok(affected >= 1, "the stalled raw connection is destroyed");
    await raw.closed;
    await pool.authed(emu, token);
  });

  it("answers upgrades on unknown paths with an HTTP error", async () => {
    const raw = await rawUpgrade(emu.rtmPort, "/socket.io/");
    raws.push(raw.socket);
    await waitFor(() => raw.received().length > 0);
    assert.match(raw.received(), /^HTTP\/1\.1 4\d\d /);
  });

  it("refuse resets new connections at once, and counts them", async () => {
    await emu.control.refuse({ mode: "reset" });
    const before = (await emu.control.state()).counters.tcpConnections;
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect_error");
    const state = await emu.control.state();
    assert.equal(state.counters.tcpConnections, before + 1);
    assert.equal(state.faults.refuse, "reset");
    await emu.control.refuse({ mode: "off" });
    await pool.authed(emu, token);
  });

  it("no-connect-ack leaves the namespace CONNECT unanswered", async () => {
    await emu.control.noConnectAck(true);
    const socket = pool.open(emu.rtmUrl);
    await once(socket.io, "open");
    assert.equal(await firesWithin(socket, "connect", 400), false);
    assert.equal((await emu.control.state()).counters.namespaceConnects, 1);
  });

  it("middleware-error answers CONNECT with CONNECT_ERROR", async () => {
    await emu.control.middlewareError({ message: "emulated refusal" });
    const socket = pool.open(emu.rtmUrl);
    assert.equal((await once(socket, "connect_error")).message, "emulated refusal");
    await emu.control.middlewareError(null);
    await pool.authed(emu, token);
  });

  it("ignore-auth records authentication without answering; the deadline still applies", async () => {
    await emu.control.config({ authTimeoutMs: 300 });
    await emu.control.ignoreAuth(true);
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    const answered = Promise.race([
      firesWithin(socket, "authenticated", 250),
      firesWithin(socket, "unauthorized", 250),
    ]);
    const disconnected = once(socket, "disconnect", 2000);
    socket.emit("authentication", auth);
    assert.equal(await answered, false);
    assert.equal(await disconnected, "io server disconnect");
    const state = await emu.control.state();
    assert.equal(state.auths[0]?.result, "ignored");
    assert.equal(state.counters.authTimeouts, 1);
  });

  it("malformed frames arrive raw and break the client's parser", async () => {
    for (const frame of ['2["message:send"', "9", "42[1,2]"]) {
      const socket = await pool.authed(emu, token);
      /** @type {unknown[]} */
      const packets = [];
      socket.io.engine.on("packet", (packet) => packets.push(packet.data));
      const disconnected = once(socket, "disconnect");
      assert.deepEqual(await emu.control.malformed({ frame }), { sent: 1 });
      assert.equal(await disconnected, "parse error", `frame ${frame}`);
      assert.ok(packets.includes(frame), `frame ${frame} arrived raw`);
      await waitFor(async () => (await emu.control.state()).connections.length === 0);
    }
  });

  it("kick disconnects the newest sockets beyond the limit", async () => {
    const oldest = await pool.authed(emu, token);
    await sleep(5);
    const newest = await pool.authed(emu, token);
    const gone = once(newest, "disconnect");
    assert.deepEqual(await emu.control.kick({ limit: 1 }), { kicked: 1, connectionLimit: 1 });
    assert.equal(await gone, "io server disconnect");
    assert.equal(oldest.connected, true);
    assert.equal((await emu.control.state()).config.connectionLimit, 1);
  });

  it("disconnect-all sends a polite server disconnect", async () => {
    const sockets = [await pool.authed(emu, token), await pool.authed(emu, token)];
    const reasons = Promise.all(sockets.map((s) => once(s, "disconnect")));
    assert.deepEqual(await emu.control.disconnectAll({ reason: "maintenance" }), { disconnected: 2 });
    assert.deepEqual(await reasons, ["io server disconnect", "io server disconnect"]);
  });

  it("reset clears every fault", async () => {
    await emu.control.halfOpen(true);
    await emu.control.stall(true);
    await emu.control.refuse({ mode: "reset" });
    await emu.control.noConnectAck(true);
    await emu.control.middlewareError("x");
    await emu.control.ignoreAuth(true);
    await emu.control.restMode({ mode: "500" });
    await emu.control.reset();
    const { faults } = await emu.control.state();
    assert.deepEqual(faults, {
      rest: { mode: "ok", remaining: null, retryAfter: 1 },
      halfOpen: false,
      stall: false,
      refuse: "off",
      restarting: false,
      noConnectAck: false,
      middlewareError: null,
      ignoreAuth: false,
    });
    const socket = pool.open(emu.rtmUrl);
    await once(socket, "connect");
    assert.equal(await authenticate(socket, auth), true);
  });
});
