import type { Downtime } from "./lifecycle.js";

/** Shape of a polite reconnection schedule. */
export interface BackoffPolicy {
  /** Delay before the second attempt; the first retry is immediate. */
  initialDelayMs: number;
  /** Cap of the delay. */
  maxDelayMs: number;
  /** Growth factor between attempts. */
  factor: number;
  /** Randomisation: each delay is scaled by a factor drawn from [1 - jitter, 1 + jitter], then capped. */
  jitter: number;
}

/** The reconnection policy after validation: the schedule, when to give up, when a session counts as stable. */
export interface RetryPolicy extends BackoffPolicy {
  maxAttempts: number;
  stableAfterMs: number;
}

/**
 * Delay before the next attempt, given how many attempts in a row have already failed: 0 after no failure
 * (retry at once, as Crisp's quickstart asks), then `initialDelayMs × factor^(failures - 1)` with jitter,
 * never above `maxDelayMs`.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** (failures - 1));
  const spread = 1 - policy.jitter + 2 * policy.jitter * random();
  return Math.round(Math.min(policy.maxDelayMs, base * spread));
}

/**
 * The client's retry bookkeeping in one place: how many attempts in a row failed, whether a lost session had
 * been stable (its loss then starts a fresh count), and since when events were not received. A session lost
 * sooner than `stableAfterMs` after authenticating counts as one more failure, so a server that kicks right
 * after authentication meets a growing delay instead of a reconnect storm.
 */
export class RetryTracker {
  readonly #policy: RetryPolicy | false;
  #failures = 0;
  #failuresAtReady = 0;
  #readyAt = 0;
  #since: number | undefined;

  /** `policy` false: never retry. */
  constructor(policy: RetryPolicy | false) {
    this.#policy = policy;
  }

  /** Attempts failed in a row since the client was last ready (or since the start). */
  get failures(): number {
    return this.#failures;
  }

  /** Authenticated at `now`: the count restarts; returns the window events were missed in, if one was open. */
  ready(now: number): Downtime | undefined {
    this.#failuresAtReady = this.#failures;
    this.#failures = 0;
    this.#readyAt = now;
    const since = this.#since;
    this.#since = undefined;
    return since === undefined ? undefined : { since, until: now, ms: now - since };
  }

  /**
   * A ready session was lost at `now`; `lastHeard` is the last moment a frame was received on it, where the
   * missed window starts: whatever the server sent after it may be lost.
   */
  lost(now: number, lastHeard: number): void {
    this.#since ??= Math.min(lastHeard, now);
    const stable = this.#policy && now - this.#readyAt >= this.#policy.stableAfterMs;
    this.#failures = stable ? 0 : this.#failuresAtReady + 1;
  }

  /** An attempt failed before authenticating. */
  failed(): void {
    this.#failures += 1;
  }

  /** The delay before the next attempt (at least `retryAfterMs`), or `undefined` when the policy gives up. */
  nextDelay(retryAfterMs = 0): number | undefined {
    const policy = this.#policy;
    if (policy === false || this.#failures >= policy.maxAttempts) return undefined;
    return Math.max(backoffDelay(this.#failures, policy), retryAfterMs);
  }
}
