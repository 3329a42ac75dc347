// @ts-check
/** The live feed: routes conversation events to one card per session, newest conversation first. */
import { Conversation } from "./conversation.js";
import { h } from "./dom.js";
import { field, isObject } from "./format.js";

const MAX_CONVERSATIONS = 12;

/**
 * Events that open a card for a session not shown yet: messages only, so no card stands empty; the others
 * only update an existing card.
 */
const OPENING = new Set(["message:send", "message:received"]);

export class ConversationFeed {
  #root;
  /** @type {Map<string, Conversation>} */
  #conversations = new Map();
  /** Websites whose cards are hidden (filtered out); null: none. @type {ReadonlySet<string> | null} */
  #hiddenWebsites = null;

  /** @param {HTMLElement} root */
  constructor(root) {
    this.#root = root;
  }

  /**
   * Renders one Crisp event, if it belongs to a conversation.
   * @param {string} name
   * @param {unknown} payload
   */
  handle(name, payload) {
    if (!isObject(payload)) return;
    const sessionId = field(payload, "session_id");
    if (!sessionId) return;
    const conversation =
      this.#conversations.get(sessionId) ??
      (OPENING.has(name) ? this.#open(sessionId, field(payload, "website_id")) : undefined);
    if (!conversation) return;
    switch (name) {
      case "message:send":
      case "message:received":
        conversation.message(payload);
        break;
      case "message:updated":
        conversation.updated(payload.fingerprint, payload.content);
        break;
      case "message:removed":
        conversation.removed(payload.fingerprint);
        break;
      case "message:compose:send":
        conversation.compose("user", payload);
        break;
      case "message:compose:receive":
        conversation.compose("operator", payload);
        break;
      case "message:acknowledge:read:send":
      case "message:acknowledge:read:received":
        conversation.read(payload.fingerprints);
        break;
      case "session:set_state":
        conversation.setState(field(payload, "state"));
        break;
      case "session:update_availability":
        conversation.setAvailability(field(payload, "availability"));
        break;
      case "session:set_nickname":
        conversation.setDetails({ nickname: field(payload, "nickname") });
        break;
      case "session:set_email":
        conversation.setDetails({ email: field(payload, "email") });
        break;
      default:
        break;
    }
  }

  /**
   * Hides the cards of websites that are filtered out (and shows them again when they are back).
   * @param {ReadonlySet<string> | null} websites null: show every card.
   */
  hideWebsites(websites) {
    this.#hiddenWebsites = websites;
    for (const conversation of this.#conversations.values()) this.#applyVisibility(conversation);
    this.#root.dataset.hiddenCards = String([...this.#conversations.values()].filter((c) => c.element.hidden).length);
  }

  /** @param {Conversation} conversation */
  #applyVisibility(conversation) {
    conversation.element.hidden = this.#hiddenWebsites?.has(conversation.websiteId) === true;
  }

  /** Removes every card. */
  clear() {
    for (const conversation of this.#conversations.values()) conversation.dispose();
    this.#conversations.clear();
    this.#root.replaceChildren(h("p", { class: "empty", text: "Waiting for conversations…" }));
  }

  /**
   * @param {string} sessionId
   * @param {string} websiteId
   */
  #open(sessionId, websiteId) {
    if (this.#conversations.size >= MAX_CONVERSATIONS) this.#dropOne();
    const conversation = new Conversation(sessionId, websiteId);
    this.#applyVisibility(conversation);
    this.#conversations.set(sessionId, conversation);
    this.#root.querySelector(".empty")?.remove();
    this.#root.prepend(conversation.element);
    return conversation;
  }

  /** Drops the least recently active card, resolved ones first. */
  #dropOne() {
    const all = [...this.#conversations];
    const pool = all.some(([, c]) => c.resolved) ? all.filter(([, c]) => c.resolved) : all;
    pool.sort(([, a], [, b]) => a.lastActivity - b.lastActivity);
    const oldest = pool[0];
    if (!oldest) return;
    oldest[1].dispose();
    oldest[1].element.remove();
    this.#conversations.delete(oldest[0]);
  }
}
