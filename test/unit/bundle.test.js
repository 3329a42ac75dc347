// @ts-check
// The published bundles are what browsers, Deno, Workers and Node >= 22 load: each entry must be self-contained
// (no import of another module) and free of Node-only names.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";

/** Each package entry, its bundle, and a name it must export. */
const ENTRIES = /** @type {const} */ ([
  [".", "dist/crisp-rtm.js", "CrispRTM"],
  ["./webhook", "dist/webhook.js", "handleWebhook"],
  ["./fetch-websocket", "dist/fetch-websocket.js", "fetchWebSocket"],
  ["./recover", "dist/recover.js", "recoverMessages"],
  ["./hub", "dist/hub.js", "HubClient"],
]);

for (const [entry, bundle, name] of ENTRIES) {
  test(`${bundle} imports no other module`, () => {
    const code = readFileSync(bundle, "utf8");
    assert.doesNotMatch(code, /\bimport\s*[\w{*\s][^;]*?\bfrom\s*["'`]/, "a static import");
    assert.doesNotMatch(code, /\bimport\s*\(/, "a dynamic import");
    assert.doesNotMatch(code, /^\s*import\s*["'`]/m, "a side-effect import");
    assert.match(code, new RegExp(`export\\s*\\{[^}]*\\b${name}\\b`), `${name} is exported`);
  });

  test(`${bundle} uses no Node-only API`, () => {
    const code = readFileSync(bundle, "utf8");
    for (const [what, pattern] of /** @type {const} */ ([
      ["require(", /\brequire\s*\(/],
      ["node: specifiers", /["'`]node:/],
      ["process.", /\bprocess\./],
      ["Buffer", /\bBuffer\b/],
      ['"ws" as a module', /\bfrom\s*["'`]ws["'`]|\bimport\s*\(\s*["'`]ws["'`]/],
      ["__dirname", /\b__dirname\b/],
    ])) {
      assert.doesNotMatch(code, pattern, `found ${what}`);
    }
  });

  test(`package exports["${entry}"] points at ${bundle} and its types`, () => {
    const pkg = JSON.parse(readFileSync("package.json", "utf8"));
    assert.equal(pkg.exports[entry].default, `./${bundle}`);
    assert.ok(existsSync(pkg.exports[entry].types), "the declaration file exists");
    assert.match(
      readFileSync(bundle, "utf8"),
      new RegExp(`@ts-self-types="\\./${pkg.exports[entry].types.replace("./dist/", "")}"`),
    );
  });
}

test("the package is ESM without side effects", () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.type, "module");
});

test("the web hook code stays out of the client bundle", () => {
  const client = readFileSync("dist/crisp-rtm.js", "utf8");
  for (const marker of ["X-Crisp-Signature", "HMAC", "importKey"])
    assert.ok(!client.includes(marker), `dist/crisp-rtm.js holds ${marker}`);
});

test("an RTMError of one entry is an instanceof RTMError of the other", async () => {
  /** @type {typeof import("../../src/index.js")} */
  const client = await import(new URL("../../dist/crisp-rtm.js", import.meta.url).href);
  /** @type {typeof import("../../src/webhook/index.js")} */
  const hooks = await import(new URL("../../dist/webhook.js", import.meta.url).href);
  const fromHooks = new hooks.RTMError("webhook_stale", "stale");
  const fromClient = new client.RTMError("closed", "closed");
  assert.ok(fromHooks instanceof client.RTMError);
  assert.ok(fromClient instanceof hooks.RTMError);
  assert.ok(client.isRTMError(fromHooks, "webhook_stale"));
  assert.ok(!(new Error("plain") instanceof client.RTMError));
  /** @type {unknown} */
  const lookalike = { code: "closed" };
  assert.ok(!(lookalike instanceof client.RTMError));
});
