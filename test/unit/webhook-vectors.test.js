// @ts-check
// Signatures of the library's Web Crypto implementation (from the built bundle) against Node's createHmac,
// and the JSON fixture the browser suite uses, which must still match a fresh computation.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import fc from "fast-check";
import { signWebhook as nodeSign } from "../../emulator/webhooks.js";
import { makeWebhookVectors, VECTORS_PATH } from "../fixtures/make-webhook-vectors.js";
import { loadLibrary, rejectsWith } from "./webhook-helpers.js";

const lib = await loadLibrary();
/** @type {import("../fixtures/make-webhook-vectors.js").WebhookVector[]} */
const vectors = JSON.parse(readFileSync(VECTORS_PATH, "utf8"));

test("the vector fixture matches a fresh computation with Node's crypto", () => {
  assert.deepEqual(vectors, makeWebhookVectors(), "run: node test/fixtures/make-webhook-vectors.js");
  assert.ok(vectors.some((v) => v.compact) && vectors.some((v) => !v.compact));
});

test("every vector verifies from the raw text and from the raw bytes", async () => {
  for (const v of vectors) {
    const options = { secret: v.secret, timestamp: v.timestamp, signature: v.signature, now: v.now };
    const fromText = await lib.verifyWebhook({ ...options, body: v.body });
    const fromBytes = await lib.verifyWebhook({ ...options, body: new TextEncoder().encode(v.body) });
    const ms = Number(v.timestamp) >= 1e12 ? Number(v.timestamp) : Number(v.timestamp) * 1000;
    assert.deepEqual(fromText, { signedAt: ms }, v.name);
    assert.deepEqual(fromBytes, { signedAt: ms }, v.name);
    assert.equal(
      await lib.signWebhook({ secret: v.secret, body: v.body, timestamp: v.timestamp }),
      v.signature,
      v.name,
    );
  }
});

test("a re-stringified object verifies only when Crisp's JSON equals JSON.stringify's (the weaker option)", async () => {
  for (const v of vectors) {
    const verify = lib.verifyWebhook({
      secret: v.secret,
      timestamp: v.timestamp,
      signature: v.signature,
      now: v.now,
      body: JSON.parse(v.body),
    });
    if (v.compact) await verify;
    else await rejectsWith(lib, verify, "webhook_signature", 401);
  }
});

test("Web Crypto signatures equal createHmac ones for arbitrary secrets, bodies and timestamps", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 1e12, max: 4e12 })),
      async (secret, body, timestamp) => {
        const expected = nodeSign({ secret, body, timestamp });
        assert.equal(await lib.signWebhook({ secret, body, timestamp }), expected);
        await lib.verifyWebhook({ secret, body, timestamp, signature: expected, toleranceSec: Infinity });
      },
    ),
    { numRuns: 200 },
  );
});

test("lone surrogates are encoded as U+FFFD by both implementations", async () => {
  const body = '{"content":"\uD800 and \uDFFF"}';
  const expected = nodeSign({ secret: "s", body, timestamp: 1 });
  assert.equal(await lib.signWebhook({ secret: "s", body, timestamp: 1 }), expected);
});
