// @ts-check
/** Readable groups of Crisp event names, used by the event filter. */

/**
 * @typedef {object} EventGroup
 * @property {string} id
 * @property {string} label
 * @property {(name: string) => boolean} match
 * @property {boolean} checked Selected at start.
 */

/** @param {string[]} names @returns {(name: string) => boolean} */
const oneOf = (names) => (name) => names.includes(name);
/** @param {string[]} prefixes @returns {(name: string) => boolean} */
const startsWith = (prefixes) => (name) => prefixes.some((prefix) => name.startsWith(prefix));

/** @type {readonly EventGroup[]} In order; an event belongs to the first group that matches it. */
export const EVENT_GROUPS = Object.freeze([
  {
    id: "messages",
    label: "Messages",
    match: oneOf(["message:send", "message:received", "message:updated", "message:removed"]),
    checked: true,
  },
  { id: "typing", label: "Typing", match: startsWith(["message:compose:"]), checked: true },
  {
    id: "receipts",
    label: "Read receipts",
    match: startsWith(["message:acknowledge:", "message:notify:"]),
    checked: true,
  },
  { id: "sessions", label: "Conversation updates", match: startsWith(["session:"]), checked: true },
  { id: "visitors", label: "Visitor count", match: startsWith(["website:"]), checked: true },
  { id: "other", label: "Everything else", match: () => true, checked: false },
]);

/**
 * The group an event name belongs to.
 * @param {string} name
 * @returns {EventGroup}
 */
export function groupOf(name) {
  return /** @type {EventGroup} */ (EVENT_GROUPS.find((group) => group.match(name)));
}

/**
 * The event names of the selected groups, taken from `catalog` (the tier's events).
 * @param {ReadonlySet<string>} groupIds
 * @param {readonly string[]} catalog
 * @returns {string[]}
 */
export function eventsOfGroups(groupIds, catalog) {
  return catalog.filter((name) => groupIds.has(groupOf(name).id));
}
