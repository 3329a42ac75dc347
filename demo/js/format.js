// @ts-check
/** Small formatting helpers for the demo. */

/** @param {number} ms @returns {string} e.g. `14:02:07` */
export function clock(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

/** @param {number} ms @returns {string} e.g. `350 ms`, `2.4 s` */
export function duration(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** @param {string} id @returns {string} the first block of a UUID-like id, for display */
export function shortId(id) {
  return id.replace(/^session_/, "").split("-")[0] ?? id;
}

/** @param {number} n @returns {string} with thousands separators */
export function count(n) {
  return n.toLocaleString("en-US");
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
export function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A string field of a payload, or "".
 * @param {unknown} payload
 * @param {string} name
 */
export function field(payload, name) {
  const value = isObject(payload) ? payload[name] : undefined;
  return typeof value === "string" ? value : "";
}
