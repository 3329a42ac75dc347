// @ts-check
/**
 * The fault buttons of hub mode: each asks the demo server (`POST /api/faults/<name>`) to break one part of the
 * path the page uses (Crisp → hub → this page) and shows the outcome right under the button that was clicked.
 */

/** What each fault does, told once it was done. */
const DONE = /** @type {Record<string, (result: any) => string>} */ ({
  "upstream-drop": () => "The hub lost its Crisp connection: expect a downtime notice with its window in the log.",
  "crisp-down": (r) =>
    `Crisp (the emulator) is down for ${r.downMs / 1000} s: the hub reconnects, then reports the window.`,
  "browser-drop": (r) =>
    `Cut ${r.dropped} socket(s) of this page: it resumes from its last sequence number; missed events are replayed.`,
  "hub-restart": (r) =>
    `The hub was down ${r.downMs / 1000} s and is back with its storage: the page resumed without a duplicate.`,
  "hub-evict": () => "The hub's Durable Object was reset as an eviction would: its upstream reconnects.",
});

export class HubFaults {
  #feedback;

  /**
   * @param {object} options
   * @param {NodeListOf<HTMLButtonElement>} options.buttons Each with `data-fault="<name>"`.
   * @param {HTMLElement} options.feedback The `role="status"` line under the buttons.
   * @param {string[] | undefined} options.available The faults the server can cause; none: buttons disabled.
   */
  constructor({ buttons, feedback, available }) {
    this.#feedback = feedback;
    for (const button of buttons) {
      const name = button.dataset.fault ?? "";
      if (!available?.includes(name)) {
        button.disabled = true;
        continue;
      }
      button.addEventListener("click", () => void this.#run(button, name, buttons));
    }
    if (!available) feedback.textContent = "No local hub here: start the page with npm start to use these buttons.";
  }

  /**
   * @param {HTMLButtonElement} button
   * @param {string} name
   * @param {NodeListOf<HTMLButtonElement>} buttons
   */
  async #run(button, name, buttons) {
    for (const other of buttons) delete other.dataset.last;
    button.dataset.last = "";
    // The outcome shows right under the button that was clicked (a full-width line of the wrapping row).
    button.after(this.#feedback);
    button.setAttribute("aria-busy", "true");
    button.disabled = true;
    this.#feedback.textContent = `${button.textContent}…`;
    try {
      const response = await fetch(`/api/faults/${name}`, { method: "POST" });
      const result = await response.json();
      if (!response.ok) throw new Error(result?.error ?? `HTTP ${response.status}`);
      this.#feedback.textContent = (DONE[name] ?? (() => "Done."))(result);
    } catch (error) {
      this.#feedback.textContent = `${button.textContent} failed: ${error instanceof Error ? error.message : error}`;
    } finally {
      button.removeAttribute("aria-busy");
      button.disabled = false;
    }
  }
}
