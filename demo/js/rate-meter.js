// @ts-check
/** Counts events per second over a sliding window. */

export class RateMeter {
  #buckets;
  #second;

  /** @param {number} [windowSeconds] */
  constructor(windowSeconds = 60) {
    this.#buckets = new Array(windowSeconds).fill(0);
    this.#second = Math.floor(Date.now() / 1000);
  }

  /** Counts one event now. */
  record() {
    this.#advance();
    this.#buckets[this.#buckets.length - 1] += 1;
  }

  /** @returns {number[]} events per second, oldest first; the last (current, partial) second left out */
  series() {
    this.#advance();
    return this.#buckets.slice(0, -1);
  }

  /** @returns {number} the average rate of the last 3 complete seconds */
  perSecond() {
    const last = this.series().slice(-3);
    return last.reduce((sum, n) => sum + n, 0) / last.length;
  }

  #advance() {
    const now = Math.floor(Date.now() / 1000);
    const steps = Math.min(now - this.#second, this.#buckets.length);
    for (let i = 0; i < steps; i += 1) {
      this.#buckets.shift();
      this.#buckets.push(0);
    }
    this.#second = now;
  }
}
