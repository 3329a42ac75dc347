// @ts-check
/** The credential redaction (src/core/redact.ts), alone: every form of the token, longest first, any value. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = `${ROOT}.cache/unit/redact.js`;
await build({
  entryPoints: [`${ROOT}src/core/redact.ts`],
  bundle: true,
  format: "esm",
  outfile: OUT,
  logLevel: "warning",
});
/** @type {typeof import("../../src/core/redact.js")} */
const { basicAuth, redactor, redactValue } = await import(OUT);

const identifier = "9a1c3e5f-0000-4000-8000-1234567890ab";
const key = "k3y/with+special=chars&é";
const redact = redactor(identifier, key);

test("removes the identifier, the key, their percent-encoded forms and the Basic-auth value", () => {
  const basic = basicAuth(identifier, key);
  assert.equal(basic, Buffer.from(`${identifier}:${key}`, "utf8").toString("base64"));
  const text = `id=${identifier} key=${key} enc=${encodeURIComponent(key)} auth=Basic ${basic} pair=${identifier}:${key}`;
  assert.equal(
    redact(text),
    "id=[redacted] key=[redacted] enc=[redacted] auth=Basic [redacted] pair=[redacted]:[redacted]",
  );
  assert.equal(redact("nothing secret"), "nothing secret");
});

test("a value keeps its identity when clean, and becomes redacted text when a secret shows anywhere in it", () => {
  const clean = { message: "refused" };
  assert.equal(redactValue(clean, redact), clean);
  const error = new Error("boom");
  assert.equal(redactValue(error, redact), error);
  assert.equal(redactValue({ message: `no ${key}` }, redact), '{"message":"no [redacted]"}');
  const quoting = new Error("outer", { cause: new Error(`inner ${identifier}`) });
  assert.ok(!String(redactValue(quoting, redact)).includes(identifier));
  assert.equal(redactValue(undefined, redact), undefined);
});

test("short credentials are not redacted letter by letter", () => {
  assert.equal(redactor("i", "k")("invalid key"), "invalid key");
});
