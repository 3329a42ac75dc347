// @ts-check
/**
 * The emulator's memory of conversations: every `message:send` / `message:received` its generator, `inject` and
 * `flood` produce is kept here (whether or not a socket received it), so that Crisp's REST routes for listing
 * connected websites, conversations and messages can answer what a disconnected client missed.
 */

/** @typedef {import("./payloads.js").RtmEvent} RtmEvent */

/** Most messages kept per conversation (oldest dropped first). */
export const MESSAGES_PER_CONVERSATION = 10_000;
/** Messages per answer of the messages route (Crisp does not document its page size; any value works). */
export const MESSAGES_PAGE = 20;
/** Conversations per page of the conversations route when `per_page` is absent (Crisp's default). */
export const CONVERSATIONS_PAGE = 20;
/** Largest `per_page` honoured (Crisp's documented maximum). */
export const CONVERSATIONS_PAGE_MAX = 50;
/** Websites per page of the connected-websites route. */
export const WEBSITES_PAGE = 20;

/**
 * One conversation as the conversations route lists it.
 * @typedef {object} Conversation
 * @property {string} session_id
 * @property {string} website_id
 * @property {"pending" | "unresolved" | "resolved"} state
 * @property {string} last_message Text of the last message (or the type of a non-text one).
 * @property {number} created_at Epoch ms.
 * @property {number} updated_at Epoch ms: the last message's timestamp.
 * @property {number} waiting_since Epoch ms.
 * @property {{ nickname: string }} meta
 */

/** Conversations and their messages, per website, in arrival order. */
export class History {
  constructor() {
    /** @type {Map<string, { conversation: Conversation, messages: Record<string, unknown>[] }>} by website + session */
    this.conversations = new Map();
  }

  /**
   * Keeps `event` when it is a message with a website, a session and a timestamp.
   * @param {RtmEvent} event
   */
  record(event) {
    if (event.name !== "message:send" && event.name !== "message:received") return;
    const payload = event.payload;
    const websiteId = typeof payload.website_id === "string" ? payload.website_id : null;
    const sessionId = typeof payload.session_id === "string" ? payload.session_id : null;
    const timestamp = typeof payload.timestamp === "number" ? payload.timestamp : null;
    if (websiteId === null || sessionId === null || timestamp === null) return;
    const key = `${websiteId} ${sessionId}`;
    let entry = this.conversations.get(key);
    if (!entry) {
      const user = /** @type {{ nickname?: unknown }} */ (payload.user ?? {});
      entry = {
        conversation: {
          session_id: sessionId,
          website_id: websiteId,
          state: "pending",
          last_message: "",
          created_at: timestamp,
          updated_at: timestamp,
          waiting_since: timestamp,
          meta: { nickname: typeof user.nickname === "string" ? user.nickname : "visitor" },
        },
        messages: [],
      };
      this.conversations.set(key, entry);
    }
    entry.messages.push(structuredClone(payload));
    if (entry.messages.length > MESSAGES_PER_CONVERSATION) entry.messages.shift();
    const conversation = entry.conversation;
    conversation.updated_at = Math.max(conversation.updated_at, timestamp);
    conversation.last_message = typeof payload.content === "string" ? payload.content : String(payload.type ?? "");
    if (payload.from === "operator") conversation.state = "unresolved";
  }

  /**
   * A page of a website's conversations, as `website/{id}/conversations/{page}` answers it: most recently
   * updated first with `order_date_updated=1`, else most recently created first.
   * @param {string} websiteId
   * @param {number} page From 1.
   * @param {URLSearchParams} query `per_page`, `order_date_updated`, `order_date_created`.
   */
  conversationsPage(websiteId, page, query) {
    const asked = Number(query.get("per_page"));
    const perPage = Number.isInteger(asked) && asked > 0 ? Math.min(asked, CONVERSATIONS_PAGE_MAX) : CONVERSATIONS_PAGE;
    const field = query.get("order_date_updated") === "1" ? "updated_at" : "created_at";
    const list = [...this.conversations.values()]
      .map((entry) => entry.conversation)
      .filter((conversation) => conversation.website_id === websiteId)
      .sort((a, b) => b[field] - a[field]);
    return list.slice((page - 1) * perPage, page * perPage).map((conversation) => structuredClone(conversation));
  }

  /**
   * One answer of `website/{id}/conversation/{session}/messages`, oldest first: the first messages after
   * `timestamp_after`, the last ones before `timestamp_before`, or the latest ones; null for an unknown
   * conversation.
   * @param {string} websiteId
   * @param {string} sessionId
   * @param {URLSearchParams} query
   */
  messagesPage(websiteId, sessionId, query) {
    const entry = this.conversations.get(`${websiteId} ${sessionId}`);
    if (!entry) return null;
    const after = query.get("timestamp_after");
    const before = query.get("timestamp_before");
    const time = (/** @type {Record<string, unknown>} */ message) => /** @type {number} */ (message.timestamp);
    const ordered = [...entry.messages].sort((a, b) => time(a) - time(b));
    const page =
      after !== null
        ? ordered.filter((message) => time(message) > Number(after)).slice(0, MESSAGES_PAGE)
        : (before !== null ? ordered.filter((message) => time(message) < Number(before)) : ordered).slice(
            -MESSAGES_PAGE,
          );
    return page.map((message) => structuredClone(message));
  }
}
