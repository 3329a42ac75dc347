// @ts-check
// The published bundle is what browsers, Deno, Workers and Node >= 22 load: it must be self-contained
// (no import of another module) and free of Node-only names.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";

const BUNDLE = "dist/crisp-rtm.js";

test("the bundle imports no other module", () => {
  const code = readFileSync(BUNDLE, "utf8");
  assert.doesNotMatch(code, /\bimport\s*[\w{*\s][^;]*?\bfrom\s*["']/, "a static import");
  assert.doesNotMatch(code, /\bimport\s*\(/, "a dynamic import");
  assert.doesNotMatch(code, /^\s*import\s*["']/m, "a side-effect import");
  assert.match(code, /export\s*\{[^}]*\bCrispRTM\b/, "CrispRTM is exported");
});

test("the bundle uses no Node-only API", () => {
  const code = readFileSync(BUNDLE, "utf8");
  for (const [name, pattern] of /** @type {const} */ ([
    ["require(", /\brequire\s*\(/],
    ["node: specifiers", /["']node:/],
    ["process.", /\bprocess\./],
    ["Buffer", /\bBuffer\b/],
    ['"ws"', /["']ws["']/],
    ["__dirname", /\b__dirname\b/],
  ])) {
    assert.doesNotMatch(code, pattern, `found ${name}`);
  }
});

test("the package exports point at the bundle and its types", () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  assert.equal(pkg.exports["."].default, `./${BUNDLE}`);
  assert.ok(existsSync(pkg.exports["."].types), "the declaration file exists");
  assert.equal(pkg.sideEffects, false);
  assert.equal(pkg.type, "module");
});
