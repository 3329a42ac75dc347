// @ts-check
/** One conversation card: a visitor's session with its chat bubbles, typing indicator and state. */
import { h, trimChildren } from "./dom.js";
import { clock, field, shortId } from "./format.js";
import { messageText } from "./message-text.js";

const MAX_LINES = 7;
const TYPING_TIMEOUT_MS = 10_000;

export class Conversation {
  /** @type {HTMLElement} */
  element;
  /** Last activity (ms), to pick which card to drop. */
  lastActivity = Date.now();
  #sessionId;
  #lines;
  #name;
  #sub;
  #badge;
  #avatar;
  #typing;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #typingTimer;
  #nickname = "";
  #email = "";
  #websiteId;

  /**
   * @param {string} sessionId
   * @param {string} websiteId
   */
  constructor(sessionId, websiteId) {
    this.#sessionId = sessionId;
    this.#websiteId = websiteId;
    this.#avatar = h("span", { class: "avatar", "aria-hidden": "true", style: `--hue: ${hue(sessionId)}` });
    this.#name = h("strong", { class: "name" });
    this.#sub = h("span", { class: "sub" });
    this.#badge = h("span", { class: "badge", hidden: true });
    this.#lines = h("ol", { class: "lines" });
    this.#typing = h("p", { class: "typing", hidden: true });
    this.element = h(
      "article",
      { class: "conversation", "data-session": sessionId, "data-website": websiteId },
      h("header", {}, this.#avatar, h("div", { class: "who" }, this.#name, this.#sub), this.#badge),
      this.#lines,
      this.#typing,
    );
    this.#renderHeader();
  }

  /** The website the conversation belongs to. */
  get websiteId() {
    return this.#websiteId;
  }

  /** True once the conversation is resolved. */
  get resolved() {
    return this.element.dataset.state === "resolved";
  }

  /**
   * A visitor or operator message.
   * @param {Record<string, unknown>} payload
   */
  message(payload) {
    const from = field(payload, "from") === "operator" ? "operator" : "user";
    const user = /** @type {Record<string, unknown>} */ (payload.user ?? {});
    if (from === "user" && !this.#nickname && field(user, "nickname")) {
      this.#nickname = field(user, "nickname");
      this.#renderHeader();
    }
    const at = typeof payload.timestamp === "number" ? payload.timestamp : Date.now();
    const author = from === "operator" ? field(user, "nickname") || "Operator" : this.#displayName;
    this.#typingDone();
    this.#add(
      h(
        "li",
        { class: "bubble", "data-from": from, "data-fingerprint": String(payload.fingerprint ?? "") },
        h("span", { class: "author", text: author }),
        h("p", { class: "text", text: messageText(payload) }),
        h("span", { class: "meta" }, h("time", { text: clock(at) }), h("span", { class: "receipt" })),
      ),
    );
  }

  /** @param {unknown} fingerprint @param {unknown} content */
  updated(fingerprint, content) {
    const bubble = this.#bubble(fingerprint);
    const text = bubble?.querySelector(".text");
    if (!bubble || !text) return;
    text.textContent = typeof content === "string" ? content : messageText({ content });
    bubble.dataset.edited = "";
    this.#touch();
  }

  /** @param {unknown} fingerprint */
  removed(fingerprint) {
    const bubble = this.#bubble(fingerprint);
    const text = bubble?.querySelector(".text");
    if (!bubble || !text) return;
    text.textContent = "Message removed";
    bubble.dataset.removed = "";
    this.#touch();
  }

  /** @param {unknown} fingerprints Marks these messages as read by the other side. */
  read(fingerprints) {
    if (!Array.isArray(fingerprints)) return;
    for (const fingerprint of fingerprints) {
      const receipt = this.#bubble(fingerprint)?.querySelector(".receipt");
      if (receipt) receipt.textContent = " · Read";
    }
  }

  /**
   * @param {"user" | "operator"} who
   * @param {Record<string, unknown>} payload A `message:compose:*` payload.
   */
  compose(who, payload) {
    if (field(payload, "type") !== "start") {
      this.#typingDone();
      return;
    }
    const user = /** @type {Record<string, unknown>} */ (payload.user ?? {});
    const name = who === "operator" ? field(user, "nickname") || "An operator" : this.#displayName;
    const excerpt = field(payload, "excerpt");
    this.#typing.dataset.from = who;
    this.#typing.textContent = `${name} is typing${excerpt ? `: “${excerpt}…”` : "…"}`;
    this.#typing.hidden = false;
    clearTimeout(this.#typingTimer);
    this.#typingTimer = setTimeout(() => this.#typingDone(), TYPING_TIMEOUT_MS);
    this.#touch();
  }

  /** @param {string} state pending, unresolved or resolved */
  setState(state) {
    if (!state || this.element.dataset.state === state) return;
    const first = this.element.dataset.state === undefined;
    this.element.dataset.state = state;
    this.#badge.hidden = false;
    this.#badge.textContent = state;
    this.#badge.dataset.state = state;
    if (!first) this.#system(`Marked ${state}`);
  }

  /** @param {string} availability online or offline */
  setAvailability(availability) {
    this.#avatar.dataset.availability = availability;
    this.#touch();
  }

  /** @param {{ nickname?: string, email?: string }} details */
  setDetails({ nickname, email }) {
    if (nickname) this.#nickname = nickname;
    if (email) this.#email = email;
    this.#renderHeader();
  }

  /** Stops timers (the card is being removed). */
  dispose() {
    clearTimeout(this.#typingTimer);
  }

  get #displayName() {
    return this.#nickname || `Visitor ${shortId(this.#sessionId).slice(0, 6)}`;
  }

  #renderHeader() {
    this.#name.textContent = this.#displayName;
    this.#avatar.textContent = this.#displayName.slice(0, 1).toUpperCase();
    this.#sub.textContent = [this.#email, `website ${shortId(this.#websiteId)}`].filter(Boolean).join(" · ");
    this.element.setAttribute("aria-label", `Conversation with ${this.#displayName}`);
  }

  /** @param {string} text */
  #system(text) {
    this.#add(h("li", { class: "system", text }));
  }

  /** @param {HTMLElement} line */
  #add(line) {
    this.#lines.append(line);
    trimChildren(this.#lines, MAX_LINES);
    this.#touch();
  }

  /**
   * @param {unknown} fingerprint
   * @returns {HTMLElement | null}
   */
  #bubble(fingerprint) {
    return this.#lines.querySelector(`li.bubble[data-fingerprint="${CSS.escape(String(fingerprint))}"]`);
  }

  #typingDone() {
    clearTimeout(this.#typingTimer);
    this.#typing.hidden = true;
  }

  #touch() {
    this.lastActivity = Date.now();
  }
}

/** @param {string} text @returns {number} a stable hue for an avatar */
function hue(text) {
  let hash = 0;
  for (const char of text) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}
