// @ts-check
/**
 * The client's retry bookkeeping (src/crisp/retry.ts), alone: the backoff schedule, failures counted across a
 * session that was not stable, a fresh start after a stable one, giving up, and the downtime window that starts
 * at the last frame received, not when the loss was noticed.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = `${ROOT}.cache/unit/retry.js`;
await build({
  entryPoints: [`${ROOT}src/crisp/retry.ts`],
  bundle: true,
  format: "esm",
  outfile: OUT,
  logLevel: "warning",
});
/** @type {typeof import("../../src/crisp/retry.js")} */
const { RetryTracker, backoffDelay } = await import(OUT);

const POLICY = {
  initialDelayMs: 100,
  maxDelayMs: 1000,
  factor: 2,
  jitter: 0,
  maxAttempts: Infinity,
  stableAfterMs: 5000,
};

test("backoffDelay: immediate first retry, then exponential, capped, with jitter inside its bounds", () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, POLICY)),
    [0, 100, 200, 400, 800, 1000],
  );
  const jittered = { ...POLICY, jitter: 0.5 };
  assert.equal(
    backoffDelay(2, jittered, () => 0),
    100,
  );
  assert.equal(
    backoffDelay(2, jittered, () => 0.999999),
    300,
  );
  assert.equal(
    backoffDelay(10, jittered, () => 0.999999),
    1000,
    "the cap applies after the jitter",
  );
});

test("failures before the first ready grow the delay; ready resets them and reports no downtime", () => {
  const retry = new RetryTracker(POLICY);
  assert.equal(retry.nextDelay(), 0);
  retry.failed();
  retry.failed();
  assert.equal(retry.failures, 2);
  assert.equal(retry.nextDelay(), 200);
  assert.equal(retry.nextDelay(5000), 5000, "Retry-After wins when longer");
  assert.equal(retry.ready(1000), undefined);
  assert.equal(retry.failures, 0);
});

test("a stable session lost: fresh start (retry at once); an unstable one: one more failure than before it", () => {
  const retry = new RetryTracker(POLICY);
  retry.ready(0);
  retry.lost(10_000, 9_000);
  assert.equal(retry.failures, 0, "stable: ready for 10 s >= 5 s");
  assert.equal(retry.nextDelay(), 0);
  retry.failed();
  retry.failed();
  retry.ready(20_000);
  retry.lost(21_000, 20_500);
  assert.equal(retry.failures, 3, "kicked 1 s after ready: the 2 failures before it, plus this one");
  assert.equal(retry.nextDelay(), 400);
});

test("the downtime starts at the last frame received, spans the failed attempts, and is reported once", () => {
  const retry = new RetryTracker(POLICY);
  retry.ready(0);
  retry.lost(10_000, 9_400);
  retry.failed();
  retry.lost(10_500, 10_400);
  const downtime = retry.ready(12_000);
  assert.deepEqual(downtime, { since: 9_400, until: 12_000, ms: 2_600 });
  assert.equal(retry.ready(13_000), undefined);
  const late = new RetryTracker(POLICY);
  late.ready(0);
  late.lost(100, 200);
  assert.equal(late.ready(300)?.since, 100, "never after the loss itself");
});

test("gives up after maxAttempts, and at once with reconnection off", () => {
  const retry = new RetryTracker({ ...POLICY, maxAttempts: 2 });
  retry.failed();
  assert.equal(retry.nextDelay(), 100);
  retry.failed();
  assert.equal(retry.nextDelay(), undefined);
  const never = new RetryTracker(false);
  assert.equal(never.nextDelay(), undefined);
  never.ready(0);
  never.lost(10, 5);
  assert.equal(never.failures, 1, "without a policy no session counts as stable");
});
