// @ts-check
// crisp-rtm/recover (the built dist/recover.js) against the emulator's history routes, where the answers span
// several pages: conversations past one page (ordered by update, cut at `since`), messages past one answer
// (asked again from the last timestamp), and the caps reporting truncation.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startEmulator } from "../../emulator/index.js";

// The built entry, typed by its source (dist/ has no declarations before the build).
/** @type {typeof import("../../src/recover.js")} */
const { recoverMessages } = await import(new URL("../../dist/recover.js", import.meta.url).href);

describe("recoverMessages paging", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  const site = "11111111-1111-4111-8111-111111111111";
  /** @type {Record<string, any>[]} */
  const sent = [];
  const since = 1_700_000_000_000;
  before(async () => {
    emu = await startEmulator({
      tokens: [{ identifier: "paging", key: "paging-key", websites: [site], tier: "plugin" }],
    });
    // 45 conversations updated in the window (3 pages of 20), one of them with 50 messages (3 answers of 20),
    // and 5 conversations last updated before `since` (never read).
    const inject = async (/** @type {string} */ session, /** @type {number} */ timestamp) => {
      const { payload } = await emu.control.inject({
        event: "message:send",
        website_id: site,
        payload: {
          session_id: session,
          type: "text",
          from: "user",
          origin: "chat",
          content: "hi",
          user: {},
          timestamp,
        },
      });
      return payload;
    };
    for (let i = 0; i < 5; i += 1) await inject(`session_old_${i}`, since - 1000 + i);
    for (let i = 0; i < 45; i += 1) sent.push(await inject(`session_${i}`, since + 10 + i));
    for (let i = 0; i < 49; i += 1) sent.push(await inject("session_0", since + 100 + i));
  });
  after(() => emu.close());

  const options = () => ({
    identifier: "paging",
    key: "paging-key",
    restBase: emu.restUrl,
    window: { since, until: since + 10_000 },
  });

  it("reads every page of conversations and messages, and stops at conversations older than since", async () => {
    const recovery = recoverMessages(options());
    const got = [];
    for await (const event of recovery) got.push(event.payload);
    assert.equal(got.length, sent.length);
    assert.deepEqual(new Set(got.map((m) => m.fingerprint)), new Set(sent.map((m) => m.fingerprint)));
    const first = got.filter((m) => m.session_id === "session_0").map((m) => m.timestamp);
    assert.deepEqual(
      first,
      [...first].sort((a, b) => a - b),
    );
    assert.equal(recovery.result.conversations, 45);
    assert.equal(recovery.result.truncated, false);
    const log = (await emu.control.state()).restLog;
    const conversationPages = log.filter((r) => r.route === "conversations").length;
    assert.equal(conversationPages, 3, "3 pages of conversations (the third holds older ones)");
    assert.ok(!log.some((r) => String(r.path).includes("session_old")), "no conversation older than since is read");
    assert.equal(log.filter((r) => String(r.path).includes("/session_0/")).length, 3, "50 messages in 3 answers");
  });

  it("a conversation cap reports truncation and keeps the most recently updated", async () => {
    const recovery = recoverMessages({ ...options(), maxConversations: 10 });
    const sessions = new Set();
    for await (const event of recovery) sessions.add(event.payload.session_id);
    assert.equal(recovery.result.truncated, true);
    assert.equal(recovery.result.conversations, 10);
    // session_0 was updated last (its 49 later messages), then session_44, 43, …
    assert.deepEqual(
      [...sessions].sort(),
      ["session_0", ...Array.from({ length: 9 }, (_, i) => `session_${44 - i}`)].sort(),
    );
  });

  it("breaking out of the loop stops the requests", async () => {
    await emu.control.reset();
    const recovery = recoverMessages({ ...options(), concurrency: 1 });
    for await (const _ of recovery) break;
    const made = recovery.result.requests;
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await emu.control.state()).restLog.length, made);
  });
});

describe("recover options", () => {
  it("bad options are invalid_options at once, for recoverMessages and for CrispRTM's recover", async () => {
    /** @type {typeof import("../../src/index.js")} */
    const { CrispRTM, isRTMError } = await import(new URL("../../dist/crisp-rtm.js", import.meta.url).href);
    const base = { identifier: "id", key: "key" };
    const invalid = (/** @type {() => unknown} */ make) =>
      assert.throws(make, (/** @type {unknown} */ error) => isRTMError(error, "invalid_options"));
    invalid(() => recoverMessages({ ...base, window: { since: Number.NaN, until: 1 } }));
    invalid(() => recoverMessages({ ...base, since: 1, until: 2, tier: "website" }));
    invalid(() => recoverMessages({ ...base, since: 1, until: 2, maxRequests: 0 }));
    invalid(() => recoverMessages({ ...base, since: 1, until: 2, timeoutMs: Number.POSITIVE_INFINITY }));
    invalid(() => recoverMessages({ ...base, since: 1, until: 2, websites: [""] }));
    assert.throws(
      () => recoverMessages({ ...base, since: 1, until: 2, restBase: "http://api.example.com/v1" }),
      (/** @type {unknown} */ error) => isRTMError(error, "insecure_endpoint"),
    );
    invalid(() => new CrispRTM({ ...base, recover: /** @type {any} */ ({ messages: "yes" }) }));
    invalid(() => new CrispRTM({ ...base, recover: { messages: true, concurrency: 0 } }));
    new CrispRTM({ ...base, recover: { messages: true, maxRequests: 50 } }).close();
  });
});
