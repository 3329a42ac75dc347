// @ts-check
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { startEmulator } from "../../emulator/index.js";
import { waitFor } from "./emulator-helpers.js";

const require = createRequire(import.meta.url);
/** @type {typeof import("crisp-api")} */
const crispApi = require("crisp-api");
const { Crisp } = crispApi;

describe("official crisp-api client against the emulator", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  it("discovers, authenticates and receives message:send unchanged", async () => {
    const [token] = emu.tokens;
    assert.ok(token);
    const client = new Crisp();
    client.authenticateTier("plugin", token.identifier, token.key);
    client.setRestHost(new URL(emu.restUrl).origin);
    client.setRtmMode(Crisp.RTM_MODES.WebSockets);
    /** @type {any[]} */
    const received = [];
    const bound = client.on("message:send", (/** @type {unknown} */ message) => received.push(message));
    try {
      await bound;
      await waitFor(async () => (await emu.control.state()).connections.some((c) => c.authenticated));
      const state = await emu.control.state();
      assert.deepEqual(state.connections[0]?.events, ["message:send"]);
      assert.equal(state.auths[0]?.tier, "plugin");
      assert.equal(state.restLog[0]?.route, "plugin");
      const { payload } = await emu.control.inject({
        event: "message:send",
        website_id: token.websites[0] ?? "",
        payload: { type: "text", from: "user", content: "hello crisp-api" },
      });
      await waitFor(() => received.length === 1);
      assert.deepEqual(received[0], payload);
    } finally {
      /** @type {any} */ (client)._socket?.close();
    }
  });
});
