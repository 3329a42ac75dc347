// @ts-check
/** Per-event-type counters, rendered as a table sorted by count (at most a few times a second). */
import { h } from "./dom.js";
import { count } from "./format.js";

const RENDER_EVERY_MS = 500;
const MAX_ROWS = 24;

export class EventCounters {
  #body;
  /** @type {Map<string, number>} */
  #counts = new Map();
  total = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;

  /** @param {HTMLTableSectionElement} body */
  constructor(body) {
    this.#body = body;
  }

  /** @param {string} name */
  add(name) {
    this.#counts.set(name, (this.#counts.get(name) ?? 0) + 1);
    this.total += 1;
    this.#timer ??= setTimeout(() => this.#render(), RENDER_EVERY_MS);
  }

  /** @param {string} name @returns {number} */
  get(name) {
    return this.#counts.get(name) ?? 0;
  }

  #render() {
    this.#timer = undefined;
    const rows = [...this.#counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, MAX_ROWS);
    this.#body.replaceChildren(
      ...rows.map(([name, n]) =>
        h(
          "tr",
          { "data-event": name },
          h("td", {}, h("code", { text: name })),
          h("td", { class: "num", text: count(n) }),
        ),
      ),
    );
  }
}
