/** Maps each event name to the tuple of arguments its listeners receive. */
export type EventMap = { [name: string]: unknown[] };

/** A listener for the event `K` of the map `M`. */
export type Listener<M extends EventMap, K extends keyof M> = (...args: M[K]) => void;

/** Called when a listener throws, so that one faulty listener never stops delivery to the others. */
export type ListenerErrorHandler = (error: unknown, event: string) => void;

/**
 * A small typed event emitter. Listeners run in registration order; a listener that throws is reported to
 * `onListenerError` and the remaining listeners still run. Removing a listener during an emit is safe.
 */
export class Emitter<M extends EventMap> {
  /** Each name's listeners, never mutated but replaced: an emit iterates the list it started with, copy-free. */
  readonly #listeners = new Map<keyof M, Listener<M, keyof M>[]>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = () => {}) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof M>(name: K, listener: Listener<M, K>): () => void {
    const list = this.#listeners.get(name) ?? [];
    if (!list.includes(listener as Listener<M, keyof M>))
      this.#listeners.set(name, [...list, listener as Listener<M, keyof M>]);
    return () => this.off(name, listener);
  }

  /** Removes one listener, or every listener of `name` when none is given. */
  off<K extends keyof M>(name: K, listener?: Listener<M, K>): void {
    const list = this.#listeners.get(name)?.filter((other) => listener && other !== listener);
    if (list?.length) this.#listeners.set(name, list);
    else this.#listeners.delete(name);
  }

  /** Calls every listener of `name` with `args`. */
  emit<K extends keyof M>(name: K, ...args: M[K]): void {
    const list = this.#listeners.get(name);
    if (!list) return;
    for (let i = 0; i < list.length; i += 1) {
      const listener = list[i] as Listener<M, keyof M>;
      // Removed by an earlier listener of this emit (the list was replaced): skipped; the first one cannot have
      // been, which spares the hot path (one listener) the lookup. Added meanwhile: not in `list`.
      if (i > 0 && list !== this.#listeners.get(name) && !this.#listeners.get(name)?.includes(listener)) continue;
      try {
        listener(...args);
      } catch (error) {
        this.#onListenerError(error, String(name));
      }
    }
  }

  /** Number of listeners of `name`. */
  listenerCount(name: keyof M): number {
    return this.#listeners.get(name)?.length ?? 0;
  }

  /** The names that have at least one listener. */
  names(): (keyof M)[] {
    return [...this.#listeners.keys()];
  }

  /** Removes every listener of every event. */
  clear(): void {
    this.#listeners.clear();
  }
}
