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
 * `return()`), when the signal aborts, or when `end()` is called; `fail()` makes it throw instead.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  readonly #buffer: T[] = [];
  readonly #bufferSize: number;
  readonly #unsubscribe: () => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = () => this.end();
  readonly #onDone: (stream: EventStream<T>) => void;
  #waiting: ((result: IteratorResult<T>) => void) | undefined;
  #waitingReject: ((error: unknown) => void) | undefined;
  #done = false;
  #error: unknown;

  constructor(subscribe: Subscribe<T>, options: EventStreamOptions, onDone: (stream: EventStream<T>) => void) {
    this.#bufferSize = options.bufferSize ?? 10_000;
    this.#signal = options.signal;
    this.#onDone = onDone;
    this.#unsubscribe = subscribe((item) => this.#push(item));
    if (this.#signal?.aborted) this.end();
    else this.#signal?.addEventListener("abort", this.#onAbort, { once: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.#buffer.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.#waitingReject = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.end();
    this.#buffer.length = 0;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the iteration once the buffered items are consumed. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#unsubscribe();
    this.#signal?.removeEventListener("abort", this.#onAbort);
    this.#onDone(this);
    this.#wake();
  }

  /** Ends the iteration with an error, thrown after the buffered items. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#error = error;
    this.end();
  }

  #push(item: T): void {
    if (this.#done) return;
    if (this.#waiting) {
      const resolve = this.#waiting;
      this.#waiting = this.#waitingReject = undefined;
      resolve({ value: item, done: false });
      return;
    }
    if (this.#buffer.length >= this.#bufferSize) {
      this.fail(new RTMError("overflow", `the event iterator fell ${this.#bufferSize} events behind`));
      return;
    }
    this.#buffer.push(item);
  }

  #wake(): void {
    const resolve = this.#waiting;
    const reject = this.#waitingReject;
    this.#waiting = this.#waitingReject = undefined;
    if (!resolve || !reject) return;
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      reject(error);
    } else resolve({ value: undefined, done: true });
  }
}
