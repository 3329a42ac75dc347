// @ts-check
/** A minimal event emitter with `on()` returning its own unsubscribe function. */

export class Emitter {
  /** @type {Map<string, Set<(...args: any[]) => void>>} */
  #listeners = new Map();

  /**
   * @param {string} name
   * @param {(...args: any[]) => void} listener
   * @returns {() => void}
   */
  on(name, listener) {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** @param {string} name @param {unknown[]} args */
  emit(name, ...args) {
    for (const listener of [...(this.#listeners.get(name) ?? [])]) {
      try {
        listener(...args);
      } catch (error) {
        console.error(`a ${name} listener threw`, error);
      }
    }
  }
}
