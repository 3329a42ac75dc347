// @ts-check
// End to end on Node: the emulator signs (Node crypto) and POSTs web hooks with Crisp's headers to a real
// local HTTP server, whose handler is the bundle's handleWebhook on a WHATWG Request; verified hooks go
// through rtm.dispatch() to on() listeners and events() iterators, deduplicated against socket copies.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ControlError } from "../../emulator/control.js";
import { controlWebhook, sendWebhook, webhookRequest } from "../../emulator/webhooks.js";
import { loadLibrary, startReceiver } from "./webhook-helpers.js";

const lib = await loadLibrary();
const SECRET = "plugin-hook-secret";
const WEBSITE = "8c842203-7ed8-4e29-a608-7cf78a7d2fcc";
const SESSION = "session_00000000-0000-4000-8000-000000000009";

/** @type {import("../../src/webhook/index.js").VerifiedWebhook[]} */
const received = [];
const rtm = new lib.CrispRTM({ identifier: "id", key: "key" });
const deduper = new lib.EventDeduper();
/** @type {Awaited<ReturnType<typeof startReceiver>>} */
let receiver;

before(async () => {
  receiver = await startReceiver(async (request) => {
    const url = new URL(request.url);
    try {
      const hook = await lib.handleWebhook(request, {
        secret: SECRET,
        maxBytes: url.pathname === "/small" ? 64 : undefined,
      });
      received.push(hook);
      if (await deduper.admit("webhook", hook)) rtm.dispatch(hook.event, hook.data);
      return new Response(null, { status: 204 });
    } catch (error) {
      if (error instanceof lib.RTMError && error.status)
        return Response.json({ code: error.code }, { status: error.status });
      return new Response("internal error", { status: 500 });
    }
  });
});
after(async () => {
  rtm.close();
  await receiver.close();
});

let fingerprint = 1_000;

/** @param {Record<string, unknown>} [extra] a message payload with a new fingerprint */
function message(extra = {}) {
  fingerprint += 1;
  return {
    website_id: WEBSITE,
    session_id: SESSION,
    type: "text",
    from: "user",
    origin: "chat",
    content: "hi",
    fingerprint,
    timestamp: Date.now(),
    user: { nickname: "V" },
    ...extra,
  };
}

/** @param {Partial<import("../../emulator/webhooks.js").SendWebhookOptions>} options */
function send(options) {
  return sendWebhook({
    url: `${receiver.url}/webhook`,
    secret: SECRET,
    event: "message:send",
    data: message(),
    ...options,
  });
}

test("a signed hook is verified, parsed and exposes the delivery headers", async () => {
  received.length = 0;
  const data = message({ content: "hello over HTTP" });
  const result = await send({ data, attempt: 2, attemptLimit: 5 });
  assert.equal(result.status, 204, result.text);
  assert.equal(result.sent.headers["X-Crisp-Signature"].length, 64);
  const [hook] = received;
  assert.ok(hook);
  assert.equal(hook.event, "message:send");
  assert.equal(hook.website_id, WEBSITE);
  assert.deepEqual(hook.data, data);
  assert.equal(typeof hook.timestamp, "number");
  assert.deepEqual({ ...hook.delivery, signedAt: 0 }, { signedAt: 0, origin: "plugin", attempt: 2, attemptLimit: 5 });
  assert.ok(Math.abs(hook.delivery.signedAt - Date.now()) < 10_000);
});

test("a verified hook reaches on() listeners and events() iterators through dispatch()", async () => {
  /** @type {unknown[]} */
  const heard = [];
  const off = rtm.on("message:send", (payload) => heard.push(payload.content));
  const iterator = rtm.events(["message:send"]);
  const next = iterator.next();
  const result = await send({ data: message({ content: "to the listeners" }) });
  assert.equal(result.status, 204);
  assert.deepEqual(heard, ["to the listeners"]);
  const item = await next;
  assert.equal(item.done, false);
  assert.equal(item.value?.payload.content, "to the listeners");
  off();
  await iterator.return?.();
});

test("a timestamp in seconds is accepted", async () => {
  const result = await send({ timestamp: Math.floor(Date.now() / 1000) });
  assert.equal(result.status, 204, result.text);
});

test("bad hooks get the typed error's status: 401, 408, 400, 413", async () => {
  const cases = [
    { name: "wrong secret", options: { secret: "not-the-secret" }, status: 401, code: "webhook_signature" },
    { name: "unsigned", options: { secret: null }, status: 401, code: "webhook_signature" },
    { name: "forged signature", options: { signature: "f".repeat(64) }, status: 401, code: "webhook_signature" },
    { name: "no timestamp digits", options: { timestamp: "yesterday" }, status: 401, code: "webhook_signature" },
    { name: "stale", options: { timestamp: Date.now() - 10 * 60_000 }, status: 408, code: "webhook_stale" },
    { name: "from the future", options: { timestamp: Date.now() + 10 * 60_000 }, status: 408, code: "webhook_stale" },
    { name: "signed non-JSON", options: { body: "not json" }, status: 400, code: "webhook_invalid" },
    {
      name: "signed JSON without data",
      options: { body: '{"event":"message:send"}' },
      status: 400,
      code: "webhook_invalid",
    },
  ];
  for (const { name, options, status, code } of cases) {
    const result = await send(/** @type {any} */ (options));
    assert.equal(result.status, status, name);
    assert.deepEqual(JSON.parse(result.text), { code }, name);
  }
  const big = await sendWebhook({
    url: `${receiver.url}/small`,
    secret: SECRET,
    event: "message:send",
    data: message(),
  });
  assert.equal(big.status, 413);
  assert.deepEqual(JSON.parse(big.text), { code: "payload_too_large" });
});

test("handleWebhook refuses a body already read, and needs a secret", async () => {
  const request = new Request("http://localhost/webhook", {
    method: "POST",
    body: "{}",
    headers: { "X-Crisp-Signature": "0".repeat(64), "X-Crisp-Request-Timestamp": "1" },
  });
  await request.text();
  await assert.rejects(
    lib.handleWebhook(request, { secret: SECRET }),
    (error) => error instanceof lib.RTMError && error.code === "webhook_invalid" && error.status === 400,
  );
  const fresh = new Request("http://localhost/webhook", { method: "POST", body: "{}" });
  await assert.rejects(
    lib.handleWebhook(fresh, { secret: "" }),
    (error) => error instanceof lib.RTMError && error.code === "invalid_options",
  );
});

test("a hook whose copy already came over the socket is let through once, and so is a retry", async () => {
  /** @type {unknown[]} */
  const heard = [];
  const off = rtm.on("message:send", (payload) => heard.push(payload.fingerprint));
  const data = message({ fingerprint: 424242 });
  if (await deduper.admit("socket", { event: "message:send", data }))
    rtm.dispatch("message:send", /** @type {any} */ (data));
  assert.equal((await send({ data })).status, 204);
  assert.equal((await send({ data, attempt: 2 })).status, 204);
  const other = message({ fingerprint: 424243 });
  assert.equal((await send({ data: other })).status, 204);
  assert.deepEqual(heard, [424242, 424243]);
  off();
});

test("the control operation validates its body and reports an unreachable receiver as 502", async () => {
  const ok = await controlWebhook({
    url: `${receiver.url}/webhook`,
    secret: SECRET,
    event: "session:set_state",
    website_id: WEBSITE,
    data: { session_id: SESSION, state: "resolved" },
  });
  assert.equal(ok.status, 204);
  assert.equal(JSON.parse(ok.sent.body).data.website_id, WEBSITE);
  for (const body of [
    null,
    [],
    { url: "ftp://x", secret: "s", event: "e" },
    { url: "http://x", secret: "", event: "e" },
    { url: "http://x", secret: "s", event: "" },
    { url: "http://x", secret: "s", event: "e", data: [] },
    { url: "http://x", secret: "s", event: "e", attempt: 0 },
    { url: "http://x", secret: "s", event: "e", body: 1 },
  ]) {
    assert.throws(
      () => webhookRequest(body),
      (error) => error instanceof ControlError && error.status === 400,
      JSON.stringify(body),
    );
  }
  await assert.rejects(
    controlWebhook({
      url: "http://127.0.0.1:9/webhook",
      secret: SECRET,
      event: "message:send",
      data: {},
      timeoutMs: 2000,
    }),
    (error) => error instanceof ControlError && error.status === 502,
  );
});
