import { RTMError } from "../core/errors.js";

/** Options of {@link RecentKeys}. */
export interface RecentKeysOptions {
  /** Most keys kept; beyond it the oldest are forgotten first. Default 10 000. */
  capacity?: number;
  /** How long a key is remembered after it was first added, in milliseconds; default 10 minutes. */
  ttlMs?: number;
  /** The clock, in milliseconds; default `Date.now`. */
  now?: () => number;
}

/**
 * A bounded set of recently seen keys (for example {@link webhookEventKey}s): a key is remembered for `ttlMs`
 * after it was first added, and at most `capacity` keys are kept, the oldest dropped first.
 */
export class RecentKeys {
  readonly #expiry = new Map<string, number>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  /** Throws `invalid_options` for a capacity or a lifetime that is not positive. */
  constructor(options: RecentKeysOptions = {}) {
    this.#capacity = options.capacity ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#capacity) || this.#capacity < 1) throw new RTMError("invalid_options", "capacity must be a whole number ≥ 1");
    if (!(this.#ttlMs > 0)) throw new RTMError("invalid_options", "ttlMs must be a positive number");
  }

  /** Number of keys remembered now. */
  get size(): number {
    this.#prune(this.#now());
    return this.#expiry.size;
  }

  /** Adds a key. True when it was not remembered (first sighting: deliver), false for a repeat. */
  add(key: string): boolean {
    const now = this.#now();
    this.#prune(now);
    if (this.#expiry.has(key)) return false;
    this.#expiry.set(key, now + this.#ttlMs);
    if (this.#expiry.size > this.#capacity) {
      const oldest = this.#expiry.keys().next().value;
      if (oldest !== undefined) this.#expiry.delete(oldest);
    }
    return true;
  }

  /** True when the key is remembered. */
  has(key: string): boolean {
    const expiry = this.#expiry.get(key);
    return expiry !== undefined && expiry > this.#now();
  }

  /** Forgets one key; true when it was remembered. */
  delete(key: string): boolean {
    return this.#expiry.delete(key);
  }

  /** Forgets every key. */
  clear(): void {
    this.#expiry.clear();
  }

  #prune(now: number): void {
    for (const [key, expiry] of this.#expiry) {
      if (expiry > now) break;
      this.#expiry.delete(key);
    }
  }
}
