// @ts-check
/** Holds events back while the feed is paused and replays them on resume (a bounded queue). */

const MAX_QUEUED = 1000;

export class PauseGate {
  paused = false;
  /** @type {[string, unknown][]} */
  #queue = [];
  #dropped = 0;
  #deliver;

  /** @param {(name: string, payload: unknown) => void} deliver */
  constructor(deliver) {
    this.#deliver = deliver;
  }

  /** Events waiting (dropped ones included). */
  get waiting() {
    return this.#queue.length + this.#dropped;
  }

  /** @param {string} name @param {unknown} payload */
  push(name, payload) {
    if (!this.paused) {
      this.#deliver(name, payload);
      return;
    }
    this.#queue.push([name, payload]);
    if (this.#queue.length > MAX_QUEUED) {
      this.#queue.shift();
      this.#dropped += 1;
    }
  }

  /** Resumes; returns how many held events were dropped for lack of room. */
  resume() {
    this.paused = false;
    const queue = this.#queue;
    const dropped = this.#dropped;
    this.#queue = [];
    this.#dropped = 0;
    for (const [name, payload] of queue) this.#deliver(name, payload);
    return dropped;
  }
}
