// @ts-check
/** The filter panel: event groups and websites as checkboxes; reports the selection on every change. */
import { h } from "./dom.js";
import { EVENT_GROUPS, eventsOfGroups, groupOf } from "./event-groups.js";
import { shortId } from "./format.js";

/**
 * @typedef {object} Selection
 * @property {string[]} events Event names of the checked groups.
 * @property {string[]} rooms Checked websites.
 * @property {boolean} allRooms Every known website is checked (no website filter needed).
 * @property {string[]} excluded Known websites that are unchecked (their cards are hidden).
 */

export class FilterPanel {
  /** @type {Map<string, { input: HTMLInputElement, visitors: HTMLElement }>} */
  #websites = new Map();
  /** @type {Map<string, HTMLInputElement>} */
  #groups = new Map();
  #websitesFieldset;
  #catalog;

  /**
   * @param {object} options
   * @param {HTMLFieldSetElement} options.events
   * @param {HTMLFieldSetElement} options.websites
   * @param {readonly string[]} options.catalog Every event name the tier can receive.
   * @param {(selection: Selection) => void} options.onChange
   */
  constructor({ events, websites, catalog, onChange }) {
    this.#websitesFieldset = websites;
    this.#catalog = catalog;
    const changed = () => onChange(this.selection());
    for (const group of EVENT_GROUPS) {
      const input = h("input", {
        type: "checkbox",
        name: "event-group",
        value: group.id,
        checked: group.checked,
        onchange: changed,
      });
      this.#groups.set(group.id, input);
      events.append(h("label", {}, input, ` ${group.label}`));
    }
    websites.addEventListener("change", changed);
  }

  /** @returns {Selection} */
  selection() {
    const groups = new Set([...this.#groups].filter(([, input]) => input.checked).map(([id]) => id));
    const known = [...this.#websites];
    const rooms = known.filter(([, { input }]) => input.checked).map(([id]) => id);
    const excluded = known.filter(([, { input }]) => !input.checked).map(([id]) => id);
    return { events: eventsOfGroups(groups, this.#catalog), rooms, allRooms: rooms.length === known.length, excluded };
  }

  /**
   * True when an event passes the current selection (used where the server cannot filter, e.g. a hub).
   * @param {string} name
   * @param {string} websiteId "" when the event has none
   */
  accepts(name, websiteId) {
    const group = this.#groups.get(groupOf(name).id);
    const website = websiteId === "" ? undefined : this.#websites.get(websiteId);
    return group?.checked === true && (website === undefined || website.input.checked);
  }

  /**
   * Lists a website (checked) if it is not listed yet.
   * @param {string} websiteId
   */
  addWebsite(websiteId) {
    if (websiteId === "" || this.#websites.has(websiteId)) return;
    this.#websitesFieldset.querySelector(".empty-note")?.remove();
    const input = h("input", { type: "checkbox", name: "website", value: websiteId, checked: true });
    const visitors = h("span", { class: "visitors" });
    this.#websites.set(websiteId, { input, visitors });
    this.#websitesFieldset.append(
      h("label", { title: websiteId }, input, " Website ", h("code", { text: shortId(websiteId) }), visitors),
    );
  }

  /**
   * Shows a website's visitor count next to it.
   * @param {string} websiteId
   * @param {number} count
   */
  setVisitors(websiteId, count) {
    const website = this.#websites.get(websiteId);
    if (website) website.visitors.textContent = ` · ${count} visitor${count === 1 ? "" : "s"}`;
  }
}
