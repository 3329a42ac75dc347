// @ts-check
/**
 * The emulator behaves like Crisp when a website installs the plugin mid-session: the token gains the website,
 * its plugin sockets that listen for it are told with `plugin:subscription:updated`, and a socket opened before
 * gets nothing of the new website until it binds again (`socket:bind {}`).
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import { DEFAULT_TOKENS, startEmulator } from "../../emulator/index.js";
import { collect, SocketPool, sleep, waitFor } from "./emulator-helpers.js";

const [A] = DEFAULT_TOKENS.map((t) => ({ ...t, websites: [...t.websites] }));
const a = /** @type {NonNullable<typeof A>} */ (A);
const NEW_WEBSITE = "cccccccc-0000-4000-8000-00000000000c";

describe("emulator: a website subscribing mid-session", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  const pool = new SocketPool();
  before(async () => {
    emu = await startEmulator({ tokens: [a] });
  });
  after(() => emu.close());
  afterEach(async () => {
    pool.closeAll();
    await emu.control.tokenWebsites({ identifier: a.identifier, websites: a.websites });
  });

  it("notifies the plugin sockets, delivers nothing of the website until `socket:bind {}`", async () => {
    const listening = await pool.authed(emu, a, { events: ["message:send", "plugin:subscription:updated"] });
    const deaf = await pool.authed(emu, a, { events: ["message:send"] });
    const updates = collect(listening, "plugin:subscription:updated");
    const deafUpdates = collect(deaf, "plugin:subscription:updated");
    const answer = await emu.control.tokenWebsites({
      identifier: a.identifier,
      websites: [...a.websites, NEW_WEBSITE],
    });
    assert.equal(answer.notified, 1, "one socket listens for the event");
    await waitFor(() => updates.length === 1);
    assert.deepEqual(updates[0], { website_id: NEW_WEBSITE, plugin_id: "emulator-plugin", subscribed: true });

    const event = { event: "message:send", website_id: NEW_WEBSITE, payload: { type: "text", content: "new" } };
    assert.equal((await emu.control.inject(event)).delivered, 0, "the existing sockets are bound to the old websites");
    const messages = collect(listening, "message:send");
    const binds = (await emu.control.state()).binds.length;
    listening.emit("socket:bind", {});
    await waitFor(async () => (await emu.control.state()).binds.length === binds + 1);
    assert.equal((await emu.control.inject(event)).delivered, 1, "delivered once the socket bound again");
    await waitFor(() => messages.length === 1);
    await sleep(50);
    assert.equal(deafUpdates.length, 0, "a socket that filtered the event out was not told");
  });

  it("does not notify for a website that was already there or removed", async () => {
    const socket = await pool.authed(emu, a, { events: ["plugin:subscription:updated"] });
    const updates = collect(socket, "plugin:subscription:updated");
    assert.equal(
      (await emu.control.tokenWebsites({ identifier: a.identifier, websites: [a.websites[0] ?? ""] })).notified,
      0,
    );
    assert.equal((await emu.control.tokenWebsites({ identifier: a.identifier, websites: a.websites })).notified, 1);
    await waitFor(() => updates.length === 1);
  });
});
