// @ts-check
/** Buttons that call the emulator's fault API (drop, half-open, restart) and set its traffic rate. */

const RESTART_DOWN_MS = 4000;

export class EmulatorControls {
  #controlUrl;
  #status;
  #rateStatus;
  #halfOpen;

  /**
   * @param {object} options
   * @param {string | undefined} options.controlUrl Without it every control is disabled.
   * @param {HTMLElement} options.status `role="status"` line for results, under the fault buttons.
   * @param {HTMLElement} [options.rateStatus] Where the rate slider reports (default: `status`).
   * @param {HTMLButtonElement} options.drop
   * @param {HTMLButtonElement} options.halfOpen A toggle (`aria-pressed`).
   * @param {HTMLButtonElement} options.restart
   * @param {HTMLInputElement} options.rate A range input (events per second).
   * @param {HTMLOutputElement} options.rateValue
   */
  constructor({ controlUrl, status, rateStatus = status, drop, halfOpen, restart, rate, rateValue }) {
    this.#controlUrl = controlUrl;
    this.#status = status;
    this.#rateStatus = rateStatus;
    this.#halfOpen = halfOpen;
    if (!controlUrl) {
      for (const control of [drop, halfOpen, restart, rate]) control.disabled = true;
      status.textContent = "No emulator here: start the page with npm start to use these controls.";
      return;
    }
    drop.addEventListener("click", () =>
      this.#run("drop", {}, (r) => `Dropped ${r.dropped} connection(s) without a close frame.`),
    );
    halfOpen.addEventListener("click", () => this.#toggleHalfOpen());
    restart.addEventListener("click", async () => {
      restart.disabled = true;
      this.#status.textContent = `RTM server down for ${RESTART_DOWN_MS / 1000} s…`;
      await this.#run("restart", { downMs: RESTART_DOWN_MS }, () => "RTM server is back up.");
      restart.disabled = false;
    });
    rate.addEventListener("input", () => (rateValue.value = rate.value));
    rate.addEventListener("change", () =>
      this.#run(
        "traffic",
        { rate: Number(rate.value) },
        (r) => `The emulator generates ${r.rate} events/s.`,
        this.#rateStatus,
      ),
    );
    void this.#sync(rate, rateValue);
  }

  async #toggleHalfOpen() {
    const enabled = this.#halfOpen.getAttribute("aria-pressed") !== "true";
    const ok = await this.#run("half-open", { enabled }, () =>
      enabled
        ? "Half-open: the server went silent. The client notices when heartbeats stop (about 10 s here)."
        : "Half-open off: silenced connections were cut.",
    );
    if (ok) this.#halfOpen.setAttribute("aria-pressed", String(enabled));
  }

  /**
   * Reads the emulator's current rate and faults.
   * @param {HTMLInputElement} rate
   * @param {HTMLOutputElement} rateValue
   */
  async #sync(rate, rateValue) {
    try {
      const response = await fetch(`${this.#controlUrl}/state`);
      const state = await response.json();
      if (typeof state.traffic?.rate === "number") rate.value = rateValue.value = String(state.traffic.rate);
      this.#halfOpen.setAttribute("aria-pressed", String(state.faults?.halfOpen === true));
    } catch {
      this.#status.textContent = "The emulator does not answer.";
    }
  }

  /**
   * POSTs one control operation and reports the outcome.
   * @param {string} operation
   * @param {object} body
   * @param {(result: any) => string} describe
   * @param {HTMLElement} [status] Where to report (default: the fault buttons' line).
   * @returns {Promise<boolean>} whether it succeeded
   */
  async #run(operation, body, describe, status = this.#status) {
    try {
      const response = await fetch(`${this.#controlUrl}/${operation}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const result = await response.json();
      if (!response.ok) throw new Error(result?.message ?? `HTTP ${response.status}`);
      status.textContent = describe(result);
      return true;
    } catch (error) {
      status.textContent = `${operation} failed: ${error instanceof Error ? error.message : error}`;
      return false;
    }
  }
}
