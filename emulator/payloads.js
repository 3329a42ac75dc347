// @ts-check
/** Payload builders shaped like Crisp's RTM events, and a seeded random source. */

/**
 * An event on its way to the sockets.
 * @typedef {object} RtmEvent
 * @property {string} name Event name, e.g. `message:send`.
 * @property {Record<string, unknown>} payload The flat object sent as the event's argument.
 * @property {string | null} websiteId Routing website (null for bucket-like events).
 * @property {string | null} token Only this token's sockets receive it (null = any token).
 */

/** @typedef {() => number} Random A function returning floats in [0, 1). */

/**
 * A small seeded PRNG (mulberry32), so generated traffic can be replayed.
 * @param {number} seed
 * @returns {Random}
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {Random} random
 * @param {number} n
 * @returns {number} an integer in [0, n)
 */
export function randomInt(random, n) {
  return Math.floor(random() * n);
}

/**
 * @template T
 * @param {Random} random
 * @param {readonly T[]} list
 * @returns {T}
 */
export function pick(random, list) {
  return /** @type {T} */ (list[randomInt(random, list.length)]);
}

/**
 * A version-4 shaped UUID drawn from `random`.
 * @param {Random} random
 */
export function randomUuid(random) {
  const hex = Array.from({ length: 32 }, () => randomInt(random, 16).toString(16));
  hex[12] = "4";
  hex[16] = (8 + randomInt(random, 4)).toString(16);
  const s = hex.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/**
 * A Crisp session id, `session_<uuid>`.
 * @param {Random} random
 */
export function randomSessionId(random) {
  return `session_${randomUuid(random)}`;
}

/**
 * @typedef {object} MessageFields
 * @property {string} websiteId
 * @property {string} sessionId
 * @property {"user" | "operator"} from
 * @property {string} type text, file, animation, ...
 * @property {unknown} content A string for text/note, an object otherwise.
 * @property {number} fingerprint
 * @property {{ user_id?: string, nickname?: string, avatar?: string }} user
 * @property {string} [origin] Default "chat".
 */

/**
 * A `message:send` / `message:received` payload.
 * @param {MessageFields} fields
 * @returns {Record<string, unknown>}
 */
export function messagePayload(fields) {
  return {
    website_id: fields.websiteId,
    session_id: fields.sessionId,
    type: fields.type,
    from: fields.from,
    origin: fields.origin ?? "chat",
    content: fields.content,
    fingerprint: fields.fingerprint,
    timestamp: Date.now(),
    user: fields.user,
    stamped: true,
    mentions: [],
  };
}

/** Events whose payload is a message and gets a fingerprint when it lacks one. */
export const MESSAGE_EVENTS = new Set(["message:send", "message:received"]);

/**
 * A plausible payload for `event`, used when `flood` is not given one. Message events get a text
 * message (the fingerprint is filled in later); others get the session fields only.
 * @param {string} event
 * @param {string | null} websiteId
 * @param {number} index Position in the flood, written in the text.
 * @returns {Record<string, unknown>}
 */
export function samplePayload(event, websiteId, index) {
  const sessionId = "session_00000000-0000-4000-8000-000000000000";
  if (MESSAGE_EVENTS.has(event)) {
    const from = event === "message:send" ? "user" : "operator";
    return {
      website_id: websiteId,
      session_id: sessionId,
      type: "text",
      from,
      origin: "chat",
      content: `flood message #${index}`,
      user:
        from === "user"
          ? { nickname: "Flood Visitor", user_id: sessionId }
          : { nickname: "Flood Operator", user_id: "00000000-0000-4000-8000-00000000f100" },
      stamped: true,
      mentions: [],
    };
  }
  return websiteId === null ? {} : { website_id: websiteId, session_id: sessionId };
}
