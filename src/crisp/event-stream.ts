import { RTMError } from "../core/errors.js";

/** Options of `rtm.events()`. */
export interface EventStreamOptions {
  /** Ends the iteration when aborted. */
  signal?: AbortSignal;
  /** Most events held for a slow consumer; beyond it the iteration fails with `overflow`. Default 10 000. */
  bufferSize?: number;
}

/** How an {@link EventStream} subscribes: returns the function that unsubscribes. */
export type Subscribe<T> = (push: (item: T) => void) => () => void;

/**
 * An async iterator over pushed items, with a bounded buffer. It ends when the consumer stops (`break`,
 * `return()`), when the signal aborts, or when `end()` is called; `fail()` makes it throw instead, after the
 * buffered items.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #stop: () => void;
  /** Settles when an item arrives or the stream ends: every pending `next()` waits on it, then looks again. */
  #change: Promise<void> | undefined;
  #wake = (): void => {};
  #done = false;
  #error: unknown;

  constructor(
    subscribe: Subscribe<T>,
    { signal, bufferSize = 10_000 }: EventStreamOptions,
    onDone: (stream: EventStream<T>) => void,
  ) {
    const unsubscribe = subscribe((item) => {
      if (this.#done) return;
      if (this.#buffer.length >= bufferSize) {
        this.fail(new RTMError("overflow", `the event iterator fell ${bufferSize} events behind`));
        return;
      }
      this.#buffer.push(item);
      this.#wake();
    });
    const onAbort = () => this.end();
    this.#stop = () => {
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      onDone(this);
    };
    if (signal?.aborted) this.end();
    else signal?.addEventListener("abort", onAbort, { once: true });
  }

  async next(): Promise<IteratorResult<T>> {
    while (!this.#buffer.length && !this.#done) {
      this.#change ??= new Promise((resolve) => {
        this.#wake = () => {
          this.#change = undefined;
          resolve();
        };
      });
      await this.#change;
    }
    if (this.#buffer.length) return { value: this.#buffer.shift() as T, done: false };
    const error = this.#error;
    this.#error = undefined;
    if (error !== undefined) throw error;
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<T>> {
    this.end();
    this.#buffer.length = 0;
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the iteration once the buffered items are consumed. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#stop();
    this.#wake();
  }

  /** Ends the iteration with an error, thrown after the buffered items. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = error;
    this.end();
  }
}
