interface Pending {
  source: string;
  expiries: number[];
}

/**
 * Pairs the two copies of one event that arrive through two sources (socket and web hook). An event is
 * held as pending for its key; the first event with that key from the OTHER source consumes one pending
 * copy and is reported as the twin. Events from the same source never pair, so genuine repeats all pass.
 * Pending copies expire after `ttlMs`; at most `capacity` keys are held, the oldest dropped first.
 */
export class TwinLedger {
  readonly #pending = new Map<string, Pending>();
  readonly #capacity: number;
  readonly #ttlMs: number;

  /** Holds at most `capacity` keys, each pending copy for `ttlMs` milliseconds. */
  constructor(capacity: number, ttlMs: number) {
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
  }

  /**
   * Notes an event; true when it is new, false when it is the twin of a pending one from the other source,
   * or a `retry` of a pending one from its own source.
   */
  note(source: string, key: string, now: number, retry = false): boolean {
    this.#pruneOldest(now);
    const pending = this.#pending.get(key);
    if (pending) {
      while (pending.expiries.length > 0 && (pending.expiries[0] ?? 0) <= now) pending.expiries.shift();
      if (pending.expiries.length === 0) this.#pending.delete(key);
      else if (pending.source !== source) {
        pending.expiries.shift();
        if (pending.expiries.length === 0) this.#pending.delete(key);
        return false;
      } else {
        if (retry) return false;
        pending.expiries.push(now + this.#ttlMs);
        return true;
      }
    }
    this.#pending.set(key, { source, expiries: [now + this.#ttlMs] });
    if (this.#pending.size > this.#capacity) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
    return true;
  }

  #pruneOldest(now: number): void {
    for (const [key, pending] of this.#pending) {
      if ((pending.expiries.at(-1) ?? 0) > now) break;
      this.#pending.delete(key);
    }
  }
}
