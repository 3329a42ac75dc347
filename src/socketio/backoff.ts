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
