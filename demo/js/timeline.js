// @ts-check
/** The connection log: one line per lifecycle event, newest last. */
import { h, trimChildren } from "./dom.js";
import { clock } from "./format.js";

const MAX_ENTRIES = 60;

export class Timeline {
  #list;
  #seq = 0;

  /** @param {HTMLOListElement} list */
  constructor(list) {
    this.#list = list;
  }

  /**
   * Adds a line. `state` (a client state) and `level` become data attributes for styling and tests.
   * @param {string} text
   * @param {{ state?: string, level?: "info" | "warn" | "error" }} [options]
   */
  add(text, { state, level = "info" } = {}) {
    this.#seq += 1;
    const now = Date.now();
    const item = h(
      "li",
      { "data-seq": this.#seq, "data-state": state, "data-level": level },
      h("time", { datetime: new Date(now).toISOString(), text: clock(now) }),
      " ",
      h("span", { text }),
    );
    this.#list.append(item);
    trimChildren(this.#list, MAX_ENTRIES);
    this.#list.scrollTop = this.#list.scrollHeight;
  }

  /** The sequence number of the last line (0 when empty). */
  get seq() {
    return this.#seq;
  }
}
