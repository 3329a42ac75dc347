// @ts-check
// The hub over TLS (https discovery, wss RTM) with both ways a Durable Object opens its outbound socket
// (`new WebSocket()` and fetch + `Upgrade: websocket`), and the alarm watchdog re-opening the upstream after an
// eviction with no request at all. workerd trusts the emulator's CA through NODE_EXTRA_CA_CERTS.
// Needs `npm run build` (dist/crisp-rtm.js) first.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startEmulator } from "../../emulator/index.js";
import { eventually, startHub, trustEmulatorCA } from "./harness.js";

/** @type {Awaited<ReturnType<typeof startEmulator>>} */
let emu;

before(async () => {
  await trustEmulatorCA();
  emu = await startEmulator({ tls: true });
  assert.match(emu.restUrl, /^https:/);
  assert.match(emu.rtmUrl, /^wss:/);
});

after(async () => {
  await emu?.close();
});

for (const socket of ["fetch", "websocket"]) {
  describe(`over WSS, upstream socket "${socket}"`, () => {
    /** @type {import("./harness.js").Hub} */
    let hub;

    before(async () => {
      await emu.control.reset();
      hub = await startHub({ emu, vars: { HUB_UPSTREAM_SOCKET: socket, HUB_WATCHDOG_SECONDS: "1" } });
    });

    after(async () => {
      await hub?.close();
    });

    test("connects through https discovery and wss, and fans events out", async () => {
      const subscriber = await hub.subscribe();
      await eventually(async () => (await hub.status()).upstream.state === "ready", "the upstream to be ready");
      const status = await hub.status();
      assert.equal(status.upstream.socket, socket);
      const website = emu.tokens[0]?.websites[0];
      const result = await emu.control.inject({
        event: "message:send",
        website_id: website,
        payload: { type: "text", content: "over tls" },
      });
      assert.equal(result.delivered, 1);
      await subscriber.waitForEvents(1);
      assert.equal(subscriber.events[0].payload.content, "over tls");
      assert.equal((await emu.control.state()).connections.length, 1);
      subscriber.close();
    });

    test("the alarm watchdog re-opens the upstream after an eviction, without any request", async () => {
      const evicted = await hub.request("/_test/evict", { body: {} });
      assert.deepEqual(evicted.body, { evicted: true });
      await eventually(
        async () => (await emu.control.state()).connections.length === 0,
        "the upstream to go away",
        5000,
      );
      await eventually(
        async () => {
          const { connections } = await emu.control.state();
          return connections.length === 1 && connections[0].authenticated;
        },
        "the watchdog to re-open the upstream",
        8000,
      );
      const status = await hub.status();
      assert.equal(status.upstream.lastOpen.reason, "alarm");
      assert.ok(status.watchdog.lastRunAt !== null);
      assert.ok(status.watchdog.nextAt > Date.now() - 1000);
      assert.equal((await emu.control.state()).connections.length, 1);
    });
  });
}
