import { deferred, type Deferred } from "../core/deferred.js";

/**
 * Spaces `socket:bind` messages at least `minIntervalMs` apart (Crisp dislikes bind storms): a request that
 * comes too soon is coalesced with every other one into a single later send, and all their promises settle
 * together. When a request cannot be sent (not ready), it waits for the next `markSent()`, which the client
 * calls when an `authentication` carried the current filters anyway.
 */
export class BindScheduler {
  readonly #minIntervalMs: number;
  readonly #send: () => boolean;
  #lastSentAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #waiters: Deferred<void>[] = [];

  /** `send` performs the bind and returns whether it went out. */
  constructor(minIntervalMs: number, send: () => boolean) {
    this.#minIntervalMs = minIntervalMs;
    this.#send = send;
  }

  /** True while a coalesced send is scheduled. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /** Asks for a bind; resolves once one carrying the state at send time has gone out. */
  request(): Promise<void> {
    const waiter = deferred<void>();
    this.#waiters.push(waiter);
    if (this.#timer === undefined) {
      const wait = Math.max(0, this.#lastSentAt + this.#minIntervalMs - Date.now());
      this.#timer = setTimeout(() => this.#flush(), wait);
    }
    return waiter.promise;
  }

  /** Records that the filters just went out (e.g. inside `authentication`) and settles every waiter. */
  markSent(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#lastSentAt = Date.now();
    this.#settle();
  }

  /** Rejects every waiter and drops the scheduled send. */
  cancel(error: unknown): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  #flush(): void {
    this.#timer = undefined;
    if (!this.#send()) return;
    this.#lastSentAt = Date.now();
    this.#settle();
  }

  #settle(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.resolve();
  }
}
