// Build-time replacement of @socket.io/component-emitter 3.1.2 (lib/esm/index.js), wired in vite.config.ts:
// engine.io-client's Socket and Transport and socket.io-parser's Decoder extend this class instead, so the bundle
// carries one emitter, crisp-rtm's own (src/core/emitter.ts). What they use of it, in the pinned (and pruned)
// sources: `on` (chained), `once`, `off` / `removeAllListeners` with (name, listener), (name) or nothing, and
// `emitReserved`. As with the original, listeners run in registration order and an exception thrown by one
// propagates out of the emit (the rest of that emit is skipped). Two differences nothing in the bundle meets: a
// `once` listener cannot be removed by passing the original function to `off` (engine.io-client never removes
// one), and a listener removed during an emit is not called by that emit. test/unit/shims.test.js holds this
// class to the original.
import { Emitter as EventEmitter } from "../core/emitter.js";

type AnyListener = (...args: unknown[]) => void;

const rethrow = (error: unknown): never => {
  throw error;
};

/** The emitter API engine.io-client and socket.io-parser build on. */
export class Emitter {
  readonly #events = new EventEmitter<Record<string, unknown[]>>(rethrow);

  /** Adds a listener. */
  on(name: string, listener: AnyListener): this {
    this.#events.on(name, listener);
    return this;
  }

  /** Adds a listener for the next emit of `name` only. */
  once(name: string, listener: AnyListener): this {
    const off = this.#events.on(name, (...args) => {
      off();
      listener(...args);
    });
    return this;
  }

  /** Removes one listener, every listener of `name`, or every listener. */
  off(name?: string, listener?: AnyListener): this {
    if (name === undefined) this.#events.clear();
    else this.#events.off(name, listener);
    return this;
  }

  /** Same as {@link off}. */
  removeAllListeners(name?: string, listener?: AnyListener): this {
    return this.off(name, listener);
  }

  /** Calls the listeners of `name` with `args`. */
  emitReserved(name: string, ...args: unknown[]): this {
    this.#events.emit(name, ...args);
    return this;
  }
}
