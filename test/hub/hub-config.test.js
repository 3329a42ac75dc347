// @ts-check
// A hub deployed without its secrets stays safe: no upstream without the Crisp token, every authenticated
// route answers 503 without a (long enough) subscriber secret, and no web hook route without its secret. Needs `npm run build` first.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startHub } from "./harness.js";

/** @type {import("./harness.js").Hub} */
let hub;

before(async () => {
  const emu = { restUrl: "http://127.0.0.1:9/v1", tokens: [{ identifier: "", key: "" }] };
  hub = await startHub({ emu, vars: { SUBSCRIBER_SECRET: "too-short" } });
});

after(async () => {
  await hub?.close();
});

test("without the Crisp token the hub reports itself unconfigured and opens nothing", async () => {
  const { status, body } = await hub.request("/status", { auth: null });
  assert.equal(status, 200);
  assert.equal(body.upstream.configured, false);
  assert.equal(body.upstream.state, "stopped");
  assert.equal(body.upstream.opens, 0);
  assert.equal(body.watchdog.nextAt, null, "no watchdog for a hub that cannot connect");
});

test("without a long enough subscriber secret every authenticated route answers 503", async () => {
  for (const answer of [
    await hub.subscribeRefused("", "too-short"),
    await hub.request("/ticket", { body: {}, auth: "too-short" }),
    await hub.request("/bind", { body: {}, auth: "too-short" }),
  ]) {
    assert.equal(answer.status, 503);
    assert.equal(answer.body.error, "misconfigured");
    assert.doesNotMatch(JSON.stringify(answer.body), /too-short/);
  }
});

test("without CRISP_WEBHOOK_SECRET, POST /webhook answers 404", async () => {
  const answer = await hub.request("/webhook", {
    body: { website_id: null, event: "message:send", data: {} },
    auth: null,
  });
  assert.equal(answer.status, 404);
  assert.deepEqual(answer.body, { error: "not_found", message: "web hooks are not configured" });
  assert.equal((await hub.request("/status", { auth: null })).body.log.seq, 0);
});
