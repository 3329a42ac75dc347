// @ts-check
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { DEFAULT_TOKENS, startEmulator } from "../../emulator/index.js";
import { authenticate, discover, firesWithin, once, SocketPool, waitFor } from "./emulator-helpers.js";

const token = { ...DEFAULT_TOKENS[0], websites: [...(DEFAULT_TOKENS[0]?.websites ?? [])] };
const other = { ...DEFAULT_TOKENS[1], websites: [...(DEFAULT_TOKENS[1]?.websites ?? [])] };
const auth = { username: token.identifier, password: token.key, tier: "plugin" };

/**
 * @param {string} controlUrl
 * @param {string} route
 * @param {unknown} body
 */
async function post(controlUrl, route, body) {
  const response = await fetch(`${controlUrl}/${route}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

describe("emulator token revocation", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  const pool = new SocketPool();
  before(async () => {
    emu = await startEmulator({ unauthorizedDelayMs: 50 });
  });
  after(() => emu.close());
  afterEach(async () => {
    pool.closeAll();
    await emu.control.reset();
    await waitFor(async () => (await emu.control.state()).connections.length === 0);
  });

  it("refuses a revoked token over REST and RTM, keeps its open sockets, and restores it", async () => {
    const open = await pool.authed(emu, token);
    assert.equal((await discover(emu, token)).status, 200);

    assert.deepEqual(await post(emu.controlUrl, "revoke", { identifier: token.identifier }), {
      status: 200,
      body: { identifier: token.identifier, revoked: true },
    });
    const state = await emu.control.state();
    assert.deepEqual(
      state.tokens.map((t) => t.revoked),
      [true, false],
    );
    assert.equal((await discover(emu, token)).status, 401);
    assert.equal((await discover(emu, other)).status, 200, "other tokens are not affected");

    const late = pool.open(emu.rtmUrl);
    await once(late, "connect");
    await assert.rejects(authenticate(late, auth), /Invalid session/);
    assert.equal(await firesWithin(open, "disconnect", 150), false, "an authenticated socket stays open");
    assert.equal(open.connected, true);

    await emu.control.revoke({ identifier: token.identifier, revoked: false });
    assert.equal((await discover(emu, token)).status, 200);
    await pool.authed(emu, token);
  });

  it("is undone by reset", async () => {
    await emu.control.revoke({ identifier: token.identifier });
    assert.equal((await discover(emu, token)).status, 401);
    await emu.control.reset();
    assert.equal((await discover(emu, token)).status, 200);
    assert.equal((await emu.control.state()).tokens[0]?.revoked, false);
  });

  it("rejects bad requests", async () => {
    assert.equal((await post(emu.controlUrl, "revoke", {})).status, 400);
    assert.equal((await post(emu.controlUrl, "revoke", { identifier: token.identifier, revoked: "yes" })).status, 400);
    assert.equal((await post(emu.controlUrl, "revoke", { identifier: "nobody" })).status, 404);
    assert.equal(
      (await emu.control.state()).tokens.every((t) => !t.revoked),
      true,
    );
  });
});
