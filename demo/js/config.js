// @ts-check
/** The settings `npm start` serves for pre-filling the form (emulator URLs and its local demo tokens). */

/**
 * @typedef {object} DemoConfig
 * @property {string} [restUrl]
 * @property {string} [rtmUrl]
 * @property {string} [controlUrl] The emulator's fault API; fault buttons are disabled without it.
 * @property {{ identifier: string, key: string, websites: string[] }[]} [tokens]
 * @property {string} [hubUrl] The hub's `/events` URL (the local hub with `npm start`).
 * @property {string} [ticketUrl] The backend's ticket endpoint; with it the page connects through the hub by default.
 * @property {string[]} [hubFaults] The hub-mode faults the server can cause.
 */

/**
 * Loads `demo-config.json` next to the page; an empty config when the page is served some other way.
 * @returns {Promise<DemoConfig>}
 */
export async function loadConfig() {
  try {
    const response = await fetch(new URL("demo-config.json", document.baseURI), { cache: "no-store" });
    if (!response.ok) return {};
    const config = await response.json();
    return typeof config === "object" && config !== null ? config : {};
  } catch {
    return {};
  }
}
