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
  readonly #listeners = new Map<keyof M, Set<Listener<M, keyof M>>>();
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = () => {}) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof M>(name: K, listener: Listener<M, K>): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(listener as Listener<M, keyof M>);
    return () => this.off(name, listener);
  }

  /** Removes one listener, or every listener of `name` when none is given. */
  off<K extends keyof M>(name: K, listener?: Listener<M, K>): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    if (listener) set.delete(listener as Listener<M, keyof M>);
    else set.clear();
    if (set.size === 0) this.#listeners.delete(name);
  }

  /** Calls every listener of `name` with `args`. */
  emit<K extends keyof M>(name: K, ...args: M[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const listener of [...set]) {
      if (!set.has(listener)) continue;
      try {
        listener(...args);
      } catch (error) {
        this.#onListenerError(error, String(name));
      }
    }
  }

  /** Number of listeners of `name`. */
  listenerCount(name: keyof M): number {
    return this.#listeners.get(name)?.size ?? 0;
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
