// @ts-check
/** The conversation generator: realistic visitor/operator traffic at a given event rate. */
import { messagePayload, pick, randomInt, randomSessionId, randomUuid, seededRandom } from "./payloads.js";

/** @typedef {import("./payloads.js").RtmEvent} RtmEvent */
/** @typedef {import("./payloads.js").Random} Random */
/** @typedef {import("./fingerprints.js").Fingerprints} Fingerprints */

const TICK_MS = 50;
const MAX_ACTIVE = 8;
const VISITORS = ["Alice", "Bruno", "Chloé", "Dmitri", "Eun-ji", "Farah", "Gustavo", "Hiroshi"];
const LINES = [
  "Hello, is anyone there?",
  "I cannot log in to my account",
  "How much is the pro plan?",
  "My invoice looks wrong",
  "Can I change my email address?",
  "Thanks, that works!",
  "Do you ship to Canada?",
  "The app crashes when I upload a file",
];
const REPLIES = [
  "Hi! Let me check that for you.",
  "Could you send me a screenshot?",
  "Done, please try again.",
  "I have forwarded this to our billing team.",
  "You are welcome!",
];

/**
 * One conversation, as a lazy sequence of events (fingerprints and timestamps are taken when each
 * event is produced, so they follow emission order).
 * @param {Random} random
 * @param {string} websiteId
 * @param {Fingerprints} fingerprints
 * @returns {Generator<RtmEvent, void, void>}
 */
function* conversation(random, websiteId, fingerprints) {
  const sessionId = randomSessionId(random);
  const base = { website_id: websiteId, session_id: sessionId };
  const visitor = { nickname: `${pick(random, VISITORS)} ${randomInt(random, 900) + 100}`, user_id: sessionId };
  const operator = { user_id: randomUuid(random), nickname: pick(random, ["Valerian", "Baptiste", "Eliott"]) };
  /** @type {(name: string, payload: Record<string, unknown>) => RtmEvent} */
  const event = (name, payload) => ({ name, payload, websiteId, token: null });

  yield event("session:update_availability", { ...base, availability: "online" });
  yield event("website:update_visitors_count", { website_id: websiteId, visitors_count: 1 + randomInt(random, 40) });
  yield event("session:set_state", { ...base, state: "pending" });
  const exchanges = 1 + randomInt(random, 3);
  for (let i = 0; i < exchanges; i += 1) {
    const text = pick(random, LINES);
    yield event("message:compose:send", { ...base, type: "start", excerpt: text.slice(0, 12), timestamp: Date.now() });
    yield event("message:compose:send", { ...base, type: "stop", timestamp: Date.now() });
    const kind = random();
    const visitorFingerprint = fingerprints.next(websiteId);
    if (kind < 0.1) {
      yield event(
        "message:send",
        messagePayload({
          websiteId,
          sessionId,
          from: "user",
          type: "file",
          fingerprint: visitorFingerprint,
          user: visitor,
          content: {
            name: "screenshot.png",
            url: `https://storage.example.invalid/${randomUuid(random)}.png`,
            type: "image/png",
          },
        }),
      );
    } else if (kind < 0.2) {
      yield event(
        "message:send",
        messagePayload({
          websiteId,
          sessionId,
          from: "user",
          type: "animation",
          fingerprint: visitorFingerprint,
          user: visitor,
          content: { url: "https://media.example.invalid/wave.gif", type: "image/gif" },
        }),
      );
    } else {
      yield event(
        "message:send",
        messagePayload({
          websiteId,
          sessionId,
          from: "user",
          type: "text",
          content: text,
          fingerprint: visitorFingerprint,
          user: visitor,
        }),
      );
      if (random() < 0.1) {
        yield event("message:updated", { ...base, fingerprint: visitorFingerprint, content: `${text} (edited)` });
      }
    }
    if (i === 0 && random() < 0.3) {
      yield event("session:set_nickname", { ...base, nickname: visitor.nickname });
      yield event("session:set_email", { ...base, email: `visitor${randomInt(random, 10000)}@example.com` });
    }
    yield event("message:compose:receive", {
      ...base,
      type: "start",
      excerpt: "",
      timestamp: Date.now(),
      user: operator,
    });
    yield event("message:compose:receive", { ...base, type: "stop", timestamp: Date.now(), user: operator });
    const operatorFingerprint = fingerprints.next(websiteId);
    yield event(
      "message:received",
      messagePayload({
        websiteId,
        sessionId,
        from: "operator",
        type: "text",
        content: pick(random, REPLIES),
        fingerprint: operatorFingerprint,
        user: operator,
      }),
    );
    if (i === 0) yield event("session:set_state", { ...base, state: "unresolved" });
    yield event("message:acknowledge:read:send", { ...base, origin: "chat", fingerprints: [operatorFingerprint] });
    if (random() < 0.05) yield event("message:removed", { ...base, fingerprint: operatorFingerprint });
  }
  yield event("session:set_state", { ...base, state: "resolved" });
  yield event("session:update_availability", { ...base, availability: "offline" });
}

/** Interleaves several conversations into one stream of events; deterministic for a seed. */
export class TrafficSource {
  /**
   * @param {object} options
   * @param {number} options.seed
   * @param {() => string[]} options.websites Websites to talk on (read at each new conversation).
   * @param {Fingerprints} options.fingerprints
   */
  constructor({ seed, websites, fingerprints }) {
    this.random = seededRandom(seed);
    this.websites = websites;
    this.fingerprints = fingerprints;
    /** @type {Generator<RtmEvent, void, void>[]} */
    this.active = [];
  }

  /** @returns {RtmEvent | null} the next event, or null when no website exists. */
  next() {
    for (let attempt = 0; attempt < 4; attempt += 1) {
      if (this.active.length === 0 || (this.active.length < MAX_ACTIVE && this.random() < 0.15)) {
        const websites = this.websites();
        if (websites.length === 0) return null;
        this.active.push(conversation(this.random, pick(this.random, websites), this.fingerprints));
      }
      const index = randomInt(this.random, this.active.length);
      const step = /** @type {Generator<RtmEvent, void, void>} */ (this.active[index]).next();
      if (!step.done) return step.value;
      this.active.splice(index, 1);
    }
    return null;
  }
}

/** Runs a `TrafficSource` at `rate` events per second and hands each event to `deliver`. */
export class TrafficGenerator {
  /**
   * @param {object} options
   * @param {number} options.seed
   * @param {() => string[]} options.websites
   * @param {Fingerprints} options.fingerprints
   * @param {(event: RtmEvent) => number} options.deliver
   */
  constructor({ seed, websites, fingerprints, deliver }) {
    this.options = { websites, fingerprints };
    this.deliver = deliver;
    this.source = new TrafficSource({ seed, ...this.options });
    this.seed = seed;
    this.rate = 0;
    this.generated = 0;
    this.budget = 0;
    this.last = 0;
    /** @type {NodeJS.Timeout | null} */
    this.timer = null;
  }

  /**
   * Changes the rate (0 stops) and, when given, restarts the source with a new seed.
   * @param {number} rate
   * @param {number} [seed]
   */
  configure(rate, seed) {
    if (seed !== undefined) {
      this.seed = seed;
      this.source = new TrafficSource({ seed, ...this.options });
    }
    this.rate = rate;
    if (rate > 0 && this.timer === null) {
      this.last = Date.now();
      this.budget = 0;
      this.timer = setInterval(() => this.tick(), TICK_MS);
    } else if (rate === 0) {
      this.stop();
    }
  }

  /** Emits the events due since the last tick. */
  tick() {
    const now = Date.now();
    this.budget = Math.min(this.budget + (this.rate * (now - this.last)) / 1000, Math.max(this.rate, 1));
    this.last = now;
    while (this.budget >= 1) {
      this.budget -= 1;
      const event = this.source.next();
      if (event === null) return;
      this.generated += 1;
      this.deliver(event);
    }
  }

  /** Stops the timer (the rate becomes 0). */
  stop() {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.rate = 0;
  }
}
