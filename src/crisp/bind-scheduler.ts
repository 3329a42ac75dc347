import { type Deferred, deferred } from "../core/deferred.js";

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
  /** What every request made since the last send waits for. */
  #batch: Deferred<void> | undefined;

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
    this.#timer ??= setTimeout(
      () => {
        this.#timer = undefined;
        if (this.#send()) this.markSent();
      },
      Math.max(0, this.#lastSentAt + this.#minIntervalMs - Date.now()),
    );
    this.#batch ??= deferred();
    return this.#batch.promise;
  }

  /** Records that the filters just went out (e.g. inside `authentication`) and settles every waiter. */
  markSent(): void {
    this.#lastSentAt = Date.now();
    this.#settle()?.resolve();
  }

  /** Rejects every waiter and drops the scheduled send. */
  cancel(error: unknown): void {
    this.#settle()?.reject(error);
  }

  /** Drops the scheduled send; returns the batch to settle, if any. */
  #settle(): Deferred<void> | undefined {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    this.#batch = undefined;
    return batch;
  }
}
