// @ts-check
/**
 * The connection form: through a hub (its `/events` URL and the backend's ticket endpoint: the default, the
 * production path) or direct to Crisp RTM (REST base or endpoint + token: a demo-only option).
 */

/**
 * @typedef {object} DirectSettings
 * @property {"direct"} mode
 * @property {string} restBase
 * @property {string} endpoint "" to discover it through the REST base.
 * @property {string} identifier
 * @property {string} key
 */

/**
 * @typedef {object} HubSettings
 * @property {"hub"} mode
 * @property {string} hubUrl
 * @property {string} ticketUrl The backend's endpoint that answers `{ ticket }` (`POST`).
 */

/** @typedef {DirectSettings | HubSettings} ConnectionSettings */

export class ConnectionForm {
  #form;
  #error;
  /** @type {(mode: "hub" | "direct") => void} */
  #onMode;

  /**
   * @param {object} options
   * @param {HTMLFormElement} options.form
   * @param {HTMLElement} options.error The `role="alert"` element for validation messages.
   * @param {import("./config.js").DemoConfig} options.config Pre-fills the fields.
   * @param {(settings: ConnectionSettings) => void} options.onSubmit Called with valid settings only.
   * @param {(mode: "hub" | "direct") => void} [options.onMode] Called when the mode changes (and once at start).
   */
  constructor({ form, error, config, onSubmit, onMode = () => {} }) {
    this.#form = form;
    this.#error = error;
    const token = config.tokens?.[0];
    this.#set("restBase", config.restUrl ?? "https://api.crisp.chat/v1");
    this.#set("identifier", token?.identifier ?? "");
    this.#set("key", token?.key ?? "");
    this.#set("hubUrl", config.hubUrl ?? "ws://localhost:8787/events");
    this.#set("ticketUrl", config.ticketUrl ?? "/api/ticket");
    this.#onMode = onMode;
    if (!config.ticketUrl && !config.hubUrl) this.#check("mode", "direct");
    form.addEventListener("change", (event) => {
      if (event.target instanceof HTMLInputElement && event.target.name === "mode") this.#showMode();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const settings = this.#validate();
      if (settings) onSubmit(settings);
    });
    this.#showMode();
  }

  /** Submits the form as if its button was pressed. */
  submit() {
    this.#form.requestSubmit();
  }

  /** @param {string} text "" clears the message. */
  showError(text) {
    this.#error.textContent = text;
  }

  get #mode() {
    return this.#value("mode") === "hub" ? "hub" : "direct";
  }

  /** The selected mode. */
  get mode() {
    return this.#mode;
  }

  /** Shows the fields (and, elsewhere on the page, the fault buttons) of the selected mode. */
  #showMode() {
    for (const section of document.querySelectorAll("[data-mode]")) {
      if (section instanceof HTMLElement) section.hidden = section.dataset.mode !== this.#mode;
    }
    this.#onMode(this.#mode);
  }

  /** @param {string} name @param {string} value Checks the radio button `name` = `value`. */
  #check(name, value) {
    const element = this.#form.elements.namedItem(name);
    if (element instanceof RadioNodeList) element.value = value;
  }

  /** @returns {ConnectionSettings | null} */
  #validate() {
    for (const input of this.#form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    /** @type {[string, string][]} [field name, message] */
    const problems = [];
    /** @type {ConnectionSettings} */
    let settings;
    if (this.#mode === "hub") {
      settings = { mode: "hub", hubUrl: this.#value("hubUrl"), ticketUrl: this.#value("ticketUrl") };
      if (!/^(wss?|https?):\/\/./i.test(settings.hubUrl))
        problems.push(["hubUrl", "Enter the hub's events URL (ws://… or wss://…)."]);
      if (!settings.ticketUrl) problems.push(["ticketUrl", "Enter your backend's ticket endpoint."]);
    } else {
      settings = {
        mode: "direct",
        restBase: this.#value("restBase"),
        endpoint: this.#value("endpoint"),
        identifier: this.#value("identifier"),
        key: this.#value("key"),
      };
      if (!settings.endpoint && !/^https?:\/\/./i.test(settings.restBase))
        problems.push(["restBase", "Enter a REST base URL, or an endpoint URL."]);
      if (!settings.identifier) problems.push(["identifier", "Enter the token identifier."]);
      if (!settings.key) problems.push(["key", "Enter the token key."]);
    }
    for (const [name] of problems) this.#input(name)?.setAttribute("aria-invalid", "true");
    this.showError(problems.map(([, message]) => message).join(" "));
    if (problems.length > 0) {
      this.#input(/** @type {[string, string]} */ (problems[0])[0])?.focus();
      return null;
    }
    return settings;
  }

  /** @param {string} name */
  #input(name) {
    const element = this.#form.elements.namedItem(name);
    return element instanceof HTMLInputElement ? element : null;
  }

  /** @param {string} name */
  #value(name) {
    const element = this.#form.elements.namedItem(name);
    if (element instanceof RadioNodeList) return element.value;
    return element instanceof HTMLInputElement ? element.value.trim() : "";
  }

  /** @param {string} name @param {string} value */
  #set(name, value) {
    const input = this.#input(name);
    if (input && !input.value) input.value = value;
  }
}
