// @ts-check
// The Durable Object example builds as people deploy it: `wrangler deploy --dry-run` bundles demo/worker with
// `crisp-rtm` resolved to dist/ (no network, no login), the bundle holds no Node build of engine.io-client,
// and the TypeScript sources type-check against the runtime types `wrangler types` generates.
// Needs `npm run build` (dist/) first.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WORKER = `${ROOT}demo/worker`;
const BIN = `${ROOT}node_modules/.bin`;
const OUT = `${ROOT}.cache/worker-dry-run`;
const QUIET_ENV = { WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CI: "1" };

/**
 * Runs a command; resolves with its exit code and output.
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<{ code: number, output: string }>}
 */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, ...QUIET_ENV },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
    child.on("error", (error) => resolve({ code: 1, output: String(error) }));
  });
}

test("wrangler deploy --dry-run builds the example", { timeout: 90_000 }, async () => {
  await rm(OUT, { recursive: true, force: true });
  const { code, output } = await run(`${BIN}/wrangler`, ["deploy", "--dry-run", "--outdir", OUT], WORKER);
  assert.equal(code, 0, output);
  assert.match(output, /env\.HUB \(CrispHub\)\s+Durable Object/);
  const bundle = await readFile(`${OUT}/index.js`, "utf8");
  assert.match(bundle, /CrispHub = class extends DurableObject|class CrispHub extends DurableObject/);
  assert.doesNotMatch(
    bundle,
    /nodebuffer|require\("ws"\)|from "ws"/,
    "engine.io-client's Node build must not be bundled",
  );
  assert.deepEqual(
    [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((match) => match[1]),
    ["cloudflare:workers"],
  );
});

test("the example's TypeScript sources type-check", { timeout: 90_000 }, async () => {
  const types = await run(`${BIN}/wrangler`, ["types", "--include-env=false"], WORKER);
  assert.equal(types.code, 0, types.output);
  const check = await run(`${BIN}/tsc`, ["-p", "tsconfig.json"], WORKER);
  assert.equal(check.code, 0, check.output);
});
