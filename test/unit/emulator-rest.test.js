// @ts-check
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { DEFAULT_TOKENS, startEmulator } from "../../emulator/index.js";
import { basicAuth, discover, getJson, once, SocketPool } from "./emulator-helpers.js";

const USER_TOKEN = {
  identifier: "user-token-1",
  key: "user-key-1",
  websites: ["aaaaaaaa-0000-4000-8000-000000000001"],
  tier: /** @type {const} */ ("user"),
};
const [PLUGIN, SECOND] = DEFAULT_TOKENS.map((t) => ({ ...t, websites: [...t.websites] }));
const plugin = /** @type {NonNullable<typeof PLUGIN>} */ (PLUGIN);
const second = /** @type {NonNullable<typeof SECOND>} */ (SECOND);

describe("emulator REST discovery", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  const pool = new SocketPool();
  before(async () => {
    emu = await startEmulator({ tokens: [plugin, second, USER_TOKEN] });
  });
  after(() => emu.close());
  afterEach(async () => {
    pool.closeAll();
    await emu.control.reset();
  });

  it("answers the plugin route with Crisp's envelope, CORS headers and a rescue alias", async () => {
    const { status, body, headers } = await discover(emu, plugin);
    assert.equal(status, 200);
    assert.deepEqual(body, {
      error: false,
      reason: "resolved",
      data: { socket: { app: emu.rtmUrl }, rescue: { socket: { app: emu.rescueUrl } } },
    });
    assert.match(emu.rtmUrl, /^ws:\/\/127\.0\.0\.1:\d+\/p\/1\/$/);
    assert.equal(headers.get("access-control-allow-origin"), "*");
    assert.equal(headers.get("access-control-expose-headers"), "Retry-After");
    const rescue = pool.open(/** @type {string} */ (emu.rescueUrl));
    await once(rescue, "connect");
  });

  it("serves the user route to user tokens and the website route to owners", async () => {
    assert.equal((await discover(emu, USER_TOKEN)).status, 200);
    const website = await getJson(`${emu.restUrl}/website/${plugin.websites[1]}/connect/endpoints`, {
      Authorization: basicAuth(plugin),
      "X-Crisp-Tier": "plugin",
    });
    assert.equal(website.status, 200);
    assert.equal(website.body.data.socket.app, emu.rtmUrl);
    const foreign = await getJson(`${emu.restUrl}/website/${second.websites[0]}/connect/endpoints`, {
      Authorization: basicAuth(plugin),
      "X-Crisp-Tier": "plugin",
    });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error, true);
    assert.equal(foreign.body.reason, "not_allowed");
  });

  it("rejects bad credentials, tier problems and unknown routes", async () => {
    const wrongKey = await discover(emu, { ...plugin, key: "nope" });
    assert.equal(wrongKey.status, 401);
    assert.deepEqual(wrongKey.body, { error: true, reason: "invalid_session", data: {} });
    const noAuth = await getJson(`${emu.restUrl}/plugin/connect/endpoints`, { "X-Crisp-Tier": "plugin" });
    assert.equal(noAuth.status, 401);
    assert.equal((await discover(emu, plugin, "user")).status, 401, "plugin token on the user route");
    const noTier = await getJson(`${emu.restUrl}/plugin/connect/endpoints`, { Authorization: basicAuth(plugin) });
    assert.equal(noTier.status, 400);
    assert.equal(noTier.body.reason, "missing_tier");
    const mismatch = await getJson(`${emu.restUrl}/plugin/connect/endpoints`, {
      Authorization: basicAuth(plugin),
      "X-Crisp-Tier": "user",
    });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.body.reason, "invalid_tier");
    const unknown = await getJson(`${emu.restUrl}/plugin/connect/elsewhere`, {
      Authorization: basicAuth(plugin),
      "X-Crisp-Tier": "plugin",
    });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.reason, "not_found");
    const post = await fetch(`${emu.restUrl}/plugin/connect/endpoints`, { method: "POST" });
    assert.equal(post.status, 404);
    await post.arrayBuffer();
    assert.equal((await getJson(emu.restUrl.replace("/v1", "/"))).status, 404);
  });

  it("answers CORS preflights on REST and control routes", async () => {
    for (const url of [`${emu.restUrl}/plugin/connect/endpoints`, `${emu.controlUrl}/inject`]) {
      const response = await fetch(url, {
        method: "OPTIONS",
        headers: {
          Origin: "http://example.test",
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "authorization, x-crisp-tier",
        },
      });
      assert.equal(response.status, 204);
      assert.equal(response.headers.get("access-control-allow-origin"), "*");
      assert.match(String(response.headers.get("access-control-allow-methods")), /GET, POST, OPTIONS/);
      assert.equal(response.headers.get("access-control-allow-headers"), "Authorization, X-Crisp-Tier, Content-Type");
    }
  });

  it("applies error fault modes for `count` requests, then reverts to ok", async () => {
    for (const [mode, status, reason] of /** @type {const} */ ([
      ["401", 401, "invalid_session"],
      ["403", 403, "not_allowed"],
      ["500", 500, "internal_error"],
      ["503", 503, "service_unavailable"],
    ])) {
      await emu.control.restMode({ mode, count: 2 });
      for (let i = 0; i < 2; i += 1) {
        const faulty = await discover(emu, plugin);
        assert.equal(faulty.status, status, `mode ${mode}`);
        assert.equal(faulty.body.reason, reason);
        assert.equal(faulty.headers.get("access-control-allow-origin"), "*");
      }
      assert.equal((await discover(emu, plugin)).status, 200, `mode ${mode} reverted`);
    }
    const state = await emu.control.state();
    assert.equal(state.faults.rest.mode, "ok");
    assert.deepEqual(state.restLog.map((r) => r.fault).slice(0, 3), ["401", "401", null]);
  });

  it("sends Retry-After with 429 and keeps a mode without count until changed", async () => {
    await emu.control.restMode({ mode: "429", retryAfter: 7 });
    for (let i = 0; i < 3; i += 1) {
      const limited = await discover(emu, plugin);
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get("retry-after"), "7");
      assert.equal(limited.body.reason, "rate_limited");
    }
    await emu.control.restMode({ mode: "ok" });
    assert.equal((await discover(emu, plugin)).status, 200);
  });

  it("serves a non-JSON body, an envelope without socket.app, and a dead app with a live rescue", async () => {
    await emu.control.restMode({ mode: "invalid-json", count: 1 });
    const invalid = await discover(emu, plugin);
    assert.equal(invalid.status, 200);
    assert.equal(invalid.body, null);
    assert.ok(invalid.text.length > 0);

    await emu.control.restMode({ mode: "missing-app", count: 1 });
    const missing = await discover(emu, plugin);
    assert.equal(missing.status, 200);
    assert.deepEqual(missing.body, { error: false, reason: "resolved", data: { socket: {} } });

    await emu.control.restMode({ mode: "rescue", count: 1 });
    const rescue = await discover(emu, plugin);
    assert.equal(rescue.body.data.rescue.socket.app, emu.rtmUrl);
    assert.notEqual(rescue.body.data.socket.app, emu.rtmUrl);
    const dead = pool.open(rescue.body.data.socket.app);
    await once(dead, "connect_error");
    const live = pool.open(rescue.body.data.rescue.socket.app);
    await once(live, "connect");
  });

  it("holds requests open in timeout mode", async () => {
    await emu.control.restMode({ mode: "timeout" });
    await assert.rejects(
      fetch(`${emu.restUrl}/plugin/connect/endpoints`, {
        headers: { Authorization: basicAuth(plugin), "X-Crisp-Tier": "plugin" },
        signal: AbortSignal.timeout(200),
      }),
      (error) => error instanceof Error && error.name === "TimeoutError",
    );
    const state = await emu.control.state();
    assert.equal(state.restLog.at(-1)?.status, null);
    assert.equal(state.restLog.at(-1)?.fault, "timeout");
  });

  it("records REST requests with identifiers but never keys", async () => {
    await discover(emu, plugin);
    await discover(emu, { ...plugin, key: "wrong-key-value" });
    const state = await emu.control.state();
    assert.equal(state.counters.restRequests, 2);
    assert.deepEqual(
      state.restLog.map((r) => [r.route, r.tier, r.identifier, r.status]),
      [
        ["plugin", "plugin", plugin.identifier, 200],
        ["plugin", "plugin", plugin.identifier, 401],
      ],
    );
    const text = JSON.stringify(state);
    assert.ok(!text.includes(plugin.key) && !text.includes("wrong-key-value"));
  });
});

describe("emulator control HTTP API", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  before(async () => {
    emu = await startEmulator({ rescuePath: null });
  });
  after(() => emu.close());

  it("omits rescue when rescuePath is null", async () => {
    const { body } = await discover(emu, plugin);
    assert.deepEqual(body.data, { socket: { app: emu.rtmUrl } });
  });

  it("lists routes, serves state and rejects bad requests", async () => {
    const index = await getJson(emu.controlUrl);
    assert.ok(index.body.routes.includes("POST /_emulator/half-open"));
    const state = await getJson(`${emu.controlUrl}/state`);
    assert.equal(state.status, 200);
    assert.deepEqual(Object.keys(state.body.counters).slice(0, 3), ["restRequests", "tcpConnections", "handshakes"]);
    const post = (/** @type {string} */ route, /** @type {string} */ body) =>
      fetch(`${emu.controlUrl}/${route}`, { method: "POST", body, headers: { "Content-Type": "application/json" } });
    const ok = await post("rest-mode", JSON.stringify({ mode: "503", count: 1 }));
    assert.deepEqual(await ok.json(), { mode: "503", remaining: 1, retryAfter: 1 });
    assert.equal((await discover(emu, plugin)).status, 503);
    const badJson = await post("inject", "{nope");
    assert.equal(badJson.status, 400);
    await badJson.arrayBuffer();
    const invalid = await post("rest-mode", JSON.stringify({ mode: "418" }));
    assert.equal(invalid.status, 400);
    assert.match((await invalid.json()).message, /mode must be one of/);
    const unknown = await post("nothing", "{}");
    assert.equal(unknown.status, 404);
    await unknown.arrayBuffer();
    const wrongMethod = await fetch(`${emu.controlUrl}/inject`);
    assert.equal(wrongMethod.status, 405);
    await wrongMethod.arrayBuffer();
  });
});
