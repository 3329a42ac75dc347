// @ts-check
// verifyWebhook: the freshness window, missing and malformed headers, tampering, the body forms, the errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { signWebhook as nodeSign } from "../../emulator/webhooks.js";
import { loadLibrary, rejectsWith } from "./webhook-helpers.js";

const lib = await loadLibrary();
const SECRET = "a-signing-secret-for-tests";
const NOW = 1_750_000_000_000;
const BODY = JSON.stringify({
  website_id: "w1",
  event: "message:send",
  data: { website_id: "w1", session_id: "s1", fingerprint: 1 },
  timestamp: NOW,
});

/**
 * @param {number | string} timestamp
 * @param {string} [body]
 */
function signed(timestamp, body = BODY) {
  return { secret: SECRET, body, timestamp, signature: nodeSign({ secret: SECRET, body, timestamp }) };
}

test("accepts a fresh hook, with the timestamp in milliseconds or in seconds", async () => {
  assert.deepEqual(await lib.verifyWebhook({ ...signed(NOW), now: NOW }), { signedAt: NOW });
  assert.deepEqual(await lib.verifyWebhook({ ...signed(NOW / 1000), now: NOW }), { signedAt: NOW });
  assert.deepEqual(await lib.verifyWebhook({ ...signed(String(NOW / 1000)), now: NOW + 299_000 }), { signedAt: NOW });
});

test("the default window is 5 minutes either side, for both units", async () => {
  for (const timestamp of [NOW, NOW / 1000]) {
    await lib.verifyWebhook({ ...signed(timestamp), now: NOW + 300_000 });
    await lib.verifyWebhook({ ...signed(timestamp), now: NOW - 300_000 });
    const late = await rejectsWith(
      lib,
      lib.verifyWebhook({ ...signed(timestamp), now: NOW + 301_000 }),
      "webhook_stale",
      408,
    );
    assert.match(late.message, /301 s ago/);
    const early = await rejectsWith(
      lib,
      lib.verifyWebhook({ ...signed(timestamp), now: NOW - 301_000 }),
      "webhook_stale",
      408,
    );
    assert.match(early.message, /ahead/);
  }
});

test("toleranceSec narrows or widens the window; Infinity disables it", async () => {
  await rejectsWith(
    lib,
    lib.verifyWebhook({ ...signed(NOW), now: NOW + 11_000, toleranceSec: 10 }),
    "webhook_stale",
    408,
  );
  await lib.verifyWebhook({ ...signed(NOW), now: NOW + 3_600_000, toleranceSec: 3600 });
  await lib.verifyWebhook({ ...signed(NOW), now: NOW + 10 * 365 * 86_400_000, toleranceSec: Infinity });
  await rejectsWith(lib, lib.verifyWebhook({ ...signed(NOW), toleranceSec: -1 }), "invalid_options");
  await rejectsWith(lib, lib.verifyWebhook({ ...signed(NOW), toleranceSec: Number.NaN }), "invalid_options");
});

test("a stale hook with a wrong signature is a signature error (408 only for genuine hooks)", async () => {
  const hook = signed(NOW);
  await rejectsWith(
    lib,
    lib.verifyWebhook({ ...hook, signature: "0".repeat(64), now: NOW + 3_600_000 }),
    "webhook_signature",
    401,
  );
});

test("rejects a missing or malformed signature or timestamp header with 401", async () => {
  const hook = signed(NOW);
  for (const signature of [
    null,
    undefined,
    "",
    "  ",
    "abc",
    hook.signature.slice(1),
    `${hook.signature}00`,
    "g".repeat(64),
    `sha256=${hook.signature}`,
  ]) {
    await rejectsWith(lib, lib.verifyWebhook({ ...hook, signature, now: NOW }), "webhook_signature", 401);
  }
  for (const timestamp of [null, undefined, "", "abc", "-1700000000", "1.7e12", "17000000000000000000"]) {
    await rejectsWith(lib, lib.verifyWebhook({ ...hook, timestamp, now: NOW }), "webhook_signature", 401);
  }
  const missing = await rejectsWith(
    lib,
    lib.verifyWebhook({ ...hook, signature: null, now: NOW }),
    "webhook_signature",
  );
  assert.match(missing.message, /X-Crisp-Signature/);
});

test("accepts the signature in upper case and with surrounding spaces", async () => {
  const hook = signed(NOW);
  await lib.verifyWebhook({ ...hook, signature: ` ${hook.signature.toUpperCase()} `, now: NOW });
});

test("rejects a tampered body, a tampered timestamp and a wrong secret with 401, leaking nothing", async () => {
  const hook = signed(NOW);
  const leaks = [SECRET, hook.signature];
  await rejectsWith(
    lib,
    lib.verifyWebhook({ ...hook, body: BODY.replace('"s1"', '"s2"'), now: NOW }),
    "webhook_signature",
    401,
    leaks,
  );
  await rejectsWith(lib, lib.verifyWebhook({ ...hook, body: `${BODY} `, now: NOW }), "webhook_signature", 401, leaks);
  await rejectsWith(lib, lib.verifyWebhook({ ...hook, timestamp: NOW + 1, now: NOW }), "webhook_signature", 401, leaks);
  await rejectsWith(
    lib,
    lib.verifyWebhook({ ...hook, secret: `${SECRET}!`, now: NOW }),
    "webhook_signature",
    401,
    leaks,
  );
});

test("takes the body as text, bytes, an ArrayBuffer, a DataView or (weaker) a parsed object", async () => {
  const hook = signed(NOW);
  const bytes = new TextEncoder().encode(BODY);
  const padded = new Uint8Array(bytes.length + 4);
  padded.set(bytes, 2);
  for (const body of [
    BODY,
    bytes,
    bytes.buffer,
    new DataView(padded.buffer, 2, bytes.length),
    padded.subarray(2, 2 + bytes.length),
    Buffer.from(BODY),
    JSON.parse(BODY),
  ]) {
    await lib.verifyWebhook({ ...hook, body, now: NOW });
  }
  await rejectsWith(
    lib,
    lib.verifyWebhook({ ...hook, body: /** @type {any} */ (null), now: NOW }),
    "webhook_invalid",
    400,
  );
  await rejectsWith(
    lib,
    lib.verifyWebhook({ ...hook, body: /** @type {any} */ (42), now: NOW }),
    "webhook_invalid",
    400,
  );
});

test("a bad secret is a configuration error", async () => {
  await rejectsWith(lib, lib.verifyWebhook({ ...signed(NOW), secret: "", now: NOW }), "invalid_options");
  await rejectsWith(
    lib,
    lib.signWebhook({ secret: /** @type {any} */ (undefined), body: BODY, timestamp: NOW }),
    "invalid_options",
  );
});

test("many secrets in turn still verify (the key cache stays bounded and correct)", async () => {
  for (let i = 0; i < 20; i++) {
    const secret = `secret-${i % 11}`;
    const signature = nodeSign({ secret, body: BODY, timestamp: NOW });
    await lib.verifyWebhook({ secret, body: BODY, timestamp: NOW, signature, now: NOW });
    await rejectsWith(
      lib,
      lib.verifyWebhook({ secret: `secret-${(i + 1) % 11}`, body: BODY, timestamp: NOW, signature, now: NOW }),
      "webhook_signature",
    );
  }
});

test("parseWebhookBody checks the envelope", () => {
  const parsed = lib.parseWebhookBody(BODY);
  assert.equal(parsed.event, "message:send");
  assert.equal(parsed.website_id, "w1");
  assert.equal(parsed.timestamp, NOW);
  assert.deepEqual(lib.parseWebhookBody('{"event":"plugin:event","data":{}}'), {
    event: "plugin:event",
    data: {},
    website_id: null,
    timestamp: null,
  });
  for (const body of [
    "",
    "nope",
    "[]",
    "null",
    '{"data":{}}',
    '{"event":"","data":{}}',
    '{"event":"*","data":{}}',
    '{"event":"rtm:ready","data":{}}',
    '{"event":"x:y","data":[]}',
    '{"event":"x:y"}',
    '{"event":"x:y","data":{},"website_id":7}',
    '{"event":"x:y","data":{},"timestamp":"soon"}',
  ]) {
    assert.throws(
      () => lib.parseWebhookBody(body),
      (error) => error instanceof lib.RTMError && error.code === "webhook_invalid" && error.status === 400,
      body,
    );
  }
  assert.throws(
    () => lib.parseWebhookBody(new Uint8Array([0x7b, 0xff, 0x7d])),
    (error) => error instanceof lib.RTMError && error.code === "webhook_invalid",
  );
});
