// @ts-check
// The emulator's history routes, driven by crisp-api's own REST methods as the peer (listAllConnectWebsites,
// listConversations, getMessagesInConversation): routes, parameters, ordering, paging and Crisp's envelope.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { after, before, describe, it } from "node:test";
import { MESSAGES_PAGE } from "../../emulator/history.js";
import { startEmulator } from "../../emulator/index.js";
import { sleep } from "./emulator-helpers.js";

const require = createRequire(import.meta.url);
/** @type {typeof import("crisp-api")} */
const crispApi = require("crisp-api");
const { Crisp } = crispApi;

/** A crisp-api client of `token` pointed at the emulator's REST side. */
function restClient(
  /** @type {{ restUrl: string }} */ emu,
  /** @type {{ identifier: string, key: string, tier: string }} */ token,
) {
  const client = new Crisp();
  client.authenticateTier(/** @type {"plugin"} */ (token.tier), token.identifier, token.key);
  client.setRestHost(new URL(emu.restUrl).origin);
  return client;
}

describe("emulator history over crisp-api's REST methods", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  /** @type {string[]} */
  const websites = Array.from({ length: 23 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
  before(async () => {
    emu = await startEmulator({ tokens: [{ identifier: "hist-plugin", key: "hist-key", websites, tier: "plugin" }] });
  });
  after(() => emu.close());

  it("lists the connected websites page by page, then an empty page", async () => {
    const client = restClient(emu, /** @type {any} */ (emu.tokens[0]));
    const first = await client.plugin.listAllConnectWebsites(1, false, false);
    const second = await client.plugin.listAllConnectWebsites(2, false, false);
    const third = await client.plugin.listAllConnectWebsites(3, false, false);
    assert.deepEqual(
      [...first, ...second].map((item) => item.website_id),
      websites,
    );
    assert.deepEqual(third, []);
    const log = (await emu.control.state()).restLog.filter((entry) => entry.route === "websites");
    assert.equal(log.length, 3);
    assert.match(String(log[0]?.path), /^\/v1\/plugin\/connect\/websites\/all\/1$/);
  });

  it("keeps every message it sends, lists conversations by update and messages around timestamps", async () => {
    const client = restClient(emu, /** @type {any} */ (emu.tokens[0]));
    const website = /** @type {string} */ (websites[0]);
    const sessions = ["session_a", "session_b", "session_c"];
    /** @type {Record<string, any>[]} */
    const sent = [];
    // Nobody is connected: the history keeps them anyway.
    for (let i = 0; i < 45; i += 1) {
      const session_id = /** @type {string} */ (sessions[i % 3]);
      const event = i % 2 ? "message:received" : "message:send";
      const { payload } = await emu.control.inject({
        event,
        website_id: website,
        payload: {
          session_id,
          type: "text",
          from: i % 2 ? "operator" : "user",
          origin: "chat",
          content: `m${i}`,
          user: { nickname: "Ann" },
          timestamp: 1_700_000_000_000 + i,
        },
      });
      sent.push(payload);
    }
    const conversations = await client.website.listConversations(website, 1, { order_date_updated: 1, per_page: 2 });
    assert.deepEqual(
      conversations.map((c) => c.session_id),
      ["session_c", "session_b"],
    );
    assert.equal(conversations[0]?.updated_at, 1_700_000_000_044);
    assert.equal(conversations[0]?.website_id, website);
    const page2 = await client.website.listConversations(website, 2, { order_date_updated: 1, per_page: 2 });
    assert.deepEqual(
      page2.map((c) => c.session_id),
      ["session_a"],
    );
    assert.deepEqual(await client.website.listConversations(website, 3, { order_date_updated: 1, per_page: 2 }), []);

    const ofA = sent.filter((m) => m.session_id === "session_a");
    // timestamp_after: the first page after it, oldest first, in the shape of the socket payloads.
    const after = await client.website.getMessagesInConversation(
      website,
      "session_a",
      undefined,
      String(ofA[2].timestamp),
    );
    assert.deepEqual(after, ofA.slice(3, 3 + MESSAGES_PAGE));
    const rest = await client.website.getMessagesInConversation(
      website,
      "session_a",
      undefined,
      String(after.at(-1)?.timestamp),
    );
    assert.deepEqual(rest, []);
    const before = await client.website.getMessagesInConversation(website, "session_a", String(ofA[4].timestamp));
    assert.deepEqual(before, ofA.slice(0, 4));
    assert.deepEqual(new Set(after.map((m) => m.from)), new Set(["user", "operator"]));
  });

  it("answers 403 for a website the token does not own and applies the REST fault modes", async () => {
    const client = restClient(emu, /** @type {any} */ (emu.tokens[0]));
    await assert.rejects(
      client.website.listConversations("not-mine", 1),
      (/** @type {any} */ error) => error.code === 403 && error.message === "not_allowed",
    );
    await emu.control.restMode({ mode: "403", count: 1 });
    await assert.rejects(
      client.website.listConversations(/** @type {string} */ (websites[1]), 1),
      (/** @type {any} */ error) => error.code === 403,
    );
    await emu.control.restMode({ mode: "429", count: 1, retryAfter: 2 });
    const response = await fetch(`${emu.restUrl}/website/${websites[1]}/conversations/1`, {
      headers: {
        Authorization: `Basic ${Buffer.from("hist-plugin:hist-key").toString("base64")}`,
        "X-Crisp-Tier": "plugin",
      },
    });
    assert.equal(response.status, 429);
    assert.equal(response.headers.get("retry-after"), "2");
    assert.deepEqual(await client.website.listConversations(/** @type {string} */ (websites[1]), 1), []);
    await emu.control.restMode({ mode: "timeout", count: 1 });
    const slow = fetch(`${emu.restUrl}/website/${websites[1]}/conversations/1`, { signal: AbortSignal.timeout(300) });
    await assert.rejects(slow);
    await sleep(10);
  });
});
