import { RTMError } from "../core/errors.js";
import { bytesToHex, subtleCrypto } from "./verify.js";

/*
 * One delivery per event when it arrives over the socket and as a web hook, in reading order: the exact key
 * of an event with a fingerprint, the content digest of one without (over canonical JSON), the two tables
 * that remember them (RecentKeys for keys, TwinLedger for cross-transport pairs), and EventDeduper on top.
 */

/** An event from either transport: a web hook (`website_id` beside `data`) or a socket event (inside it). */
export interface KeyedEvent {
  /** The website id of a web hook's body; taken from `data.website_id` when absent. */
  website_id?: string | null;
  /** The event name. */
  event: string;
  /** The payload. */
  data: object;
  /** A web hook's delivery headers: a retry (`attempt` > 1) is matched against earlier copies of its own transport too. */
  delivery?: { attempt: number | null };
}

/** Edits keep the fingerprint of the message they change: the fingerprint does not identify them. */
const NOT_IDENTIFIED_BY_FINGERPRINT = new Set(["message:updated"]);

/**
 * The identity of an event that carries a message fingerprint: the JSON of
 * `[website_id, session_id, event, fingerprint]`, the same for the socket and the web hook copy of one
 * event. Null when the payload has no fingerprint (or for `message:updated`, whose edits share one); use
 * {@link webhookEventDigest} then.
 */
export function webhookEventKey(input: KeyedEvent): string | null {
  if (NOT_IDENTIFIED_BY_FINGERPRINT.has(input.event)) return null;
  const data = input.data as Record<string, unknown>;
  const fingerprint = data.fingerprint;
  if (
    !(typeof fingerprint === "number" && Number.isFinite(fingerprint)) &&
    !(typeof fingerprint === "string" && fingerprint !== "")
  ) {
    return null;
  }
  const websiteId = input.website_id ?? (typeof data.website_id === "string" ? data.website_id : null);
  const sessionId = typeof data.session_id === "string" ? data.session_id : null;
  return JSON.stringify([websiteId, sessionId, input.event, fingerprint]);
}

/**
 * JSON with object keys sorted at every level, so that two equal payloads serialise alike whatever their key
 * order. Follows `JSON.stringify` for everything else; throws `invalid_options` on a cycle.
 */
function canonicalJson(value: unknown): string {
  return write(value, new Set()) ?? "null";
}

function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (ancestors.has(value)) throw new RTMError("invalid_options", "the event payload contains a cycle");
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return `[${value.map((item) => write(item, ancestors) ?? "null").join(",")}]`;
    const fields: string[] = [];
    for (const key of Object.keys(value).sort()) {
      const text = write((value as Record<string, unknown>)[key], ancestors);
      if (text !== undefined) fields.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${fields.join(",")}}`;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * A content identity for events without a fingerprint: `"sha256:"` and the hex SHA-256 (Web Crypto) of the
 * canonical JSON of `[website_id, event, data]`: keys sorted, so key order does not matter, and `website_id`
 * counted once, whether it sits beside `data` or inside it. Equal for the socket and the web hook copy of one
 * event, but also for two genuinely repeated identical events: pair copies across transports with it (as
 * {@link EventDeduper} does), never drop repeats from one transport.
 */
export async function webhookEventDigest(input: KeyedEvent): Promise<string> {
  const data = input.data as Record<string, unknown>;
  const websiteId = input.website_id ?? (typeof data.website_id === "string" ? data.website_id : null);
  const fields: Record<string, unknown> = { ...data };
  delete fields.website_id;
  const text = canonicalJson([websiteId, input.event, fields]);
  const digest = await subtleCrypto().digest("SHA-256", new TextEncoder().encode(text));
  return `sha256:${bytesToHex(new Uint8Array(digest))}`;
}

/** Options of {@link RecentKeys}. */
export interface RecentKeysOptions {
  /** Most keys kept; beyond it the oldest are forgotten first. Default 10 000. */
  capacity?: number;
  /** How long a key is remembered after it was first added, in milliseconds; default 10 minutes. */
  ttlMs?: number;
  /** The clock, in milliseconds; default `Date.now`. */
  now?: () => number;
}

/**
 * A bounded set of recently seen keys (for example {@link webhookEventKey}s): a key is remembered for `ttlMs`
 * after it was first added, and at most `capacity` keys are kept, the oldest dropped first.
 */
export class RecentKeys {
  readonly #expiry = new Map<string, number>();
  readonly #capacity: number;
  readonly #ttlMs: number;
  readonly #now: () => number;

  /** Throws `invalid_options` for a capacity or a lifetime that is not positive. */
  constructor(options: RecentKeysOptions = {}) {
    this.#capacity = options.capacity ?? 10_000;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#now = options.now ?? Date.now;
    if (!Number.isSafeInteger(this.#capacity) || this.#capacity < 1)
      throw new RTMError("invalid_options", "capacity must be a whole number ≥ 1");
    if (!(this.#ttlMs > 0)) throw new RTMError("invalid_options", "ttlMs must be a positive number");
  }

  /** Number of keys remembered now. */
  get size(): number {
    this.#prune(this.#now());
    return this.#expiry.size;
  }

  /** Adds a key. True when it was not remembered (first sighting: deliver), false for a repeat. */
  add(key: string): boolean {
    const now = this.#now();
    this.#prune(now);
    if (this.#expiry.has(key)) return false;
    this.#expiry.set(key, now + this.#ttlMs);
    if (this.#expiry.size > this.#capacity) {
      const oldest = this.#expiry.keys().next().value;
      if (oldest !== undefined) this.#expiry.delete(oldest);
    }
    return true;
  }

  /** True when the key is remembered. */
  has(key: string): boolean {
    const expiry = this.#expiry.get(key);
    return expiry !== undefined && expiry > this.#now();
  }

  /** Forgets one key; true when it was remembered. */
  delete(key: string): boolean {
    return this.#expiry.delete(key);
  }

  /** Forgets every key. */
  clear(): void {
    this.#expiry.clear();
  }

  #prune(now: number): void {
    for (const [key, expiry] of this.#expiry) {
      if (expiry > now) break;
      this.#expiry.delete(key);
    }
  }
}

/** The copies of one key still waiting for their twin: the source they came from, and when each expires. */
interface Pending {
  source: string;
  expiries: number[];
}

/**
 * Pairs the two copies of one event that arrive through two sources (socket and web hook). An event is
 * held as pending for its key; the first event with that key from the OTHER source consumes one pending
 * copy and is reported as the twin. Events from the same source never pair, so genuine repeats all pass.
 * Pending copies expire after `ttlMs`; at most `capacity` keys are held, the oldest dropped first.
 */
class TwinLedger {
  readonly #pending = new Map<string, Pending>();
  readonly #capacity: number;
  readonly #ttlMs: number;

  /** Holds at most `capacity` keys, each pending copy for `ttlMs` milliseconds. */
  constructor(capacity: number, ttlMs: number) {
    this.#capacity = capacity;
    this.#ttlMs = ttlMs;
  }

  /**
   * Notes an event; true when it is new, false when it is the twin of a pending one from the other source,
   * or a `retry` of a pending one from its own source.
   */
  note(source: string, key: string, now: number, retry = false): boolean {
    this.#pruneOldest(now);
    const pending = this.#pending.get(key);
    if (pending) {
      while (pending.expiries.length > 0 && (pending.expiries[0] ?? 0) <= now) pending.expiries.shift();
      if (pending.expiries.length === 0) this.#pending.delete(key);
      else if (pending.source !== source) {
        pending.expiries.shift();
        if (pending.expiries.length === 0) this.#pending.delete(key);
        return false;
      } else {
        if (retry) return false;
        pending.expiries.push(now + this.#ttlMs);
        return true;
      }
    }
    this.#pending.set(key, { source, expiries: [now + this.#ttlMs] });
    if (this.#pending.size > this.#capacity) {
      const oldest = this.#pending.keys().next().value;
      if (oldest !== undefined) this.#pending.delete(oldest);
    }
    return true;
  }

  #pruneOldest(now: number): void {
    for (const [key, pending] of this.#pending) {
      if ((pending.expiries.at(-1) ?? 0) > now) break;
      this.#pending.delete(key);
    }
  }
}

/** The transport an event came through. */
export type DeliverySource = "socket" | "webhook";

/** Options of {@link EventDeduper}. */
export interface EventDeduperOptions {
  /** Most keys held by each of the two tables; default 10 000. */
  capacity?: number;
  /** How long a fingerprinted event is remembered, in milliseconds; default 10 minutes. */
  ttlMs?: number;
  /** How long an event without a fingerprint waits for its copy from the other transport; default 2 minutes. */
  pairTtlMs?: number;
  /** The clock, in milliseconds; default `Date.now`. */
  now?: () => number;
}

/**
 * Lets each event through once when it may arrive both over the socket and as a web hook (and as web hook
 * retries). Events with a message fingerprint are matched exactly ({@link webhookEventKey}, any source, any
 * number of copies). Events without one are matched by content ({@link webhookEventDigest}), and only
 * across the two transports: one socket copy pairs with one web hook copy, so identical events that really
 * happen twice are both delivered; a web hook retry (`delivery.attempt` > 1, as {@link handleWebhook} reports
 * it) also matches a pending copy of its own transport. Answers come in call order, so awaiting them keeps
 * the arrival order.
 */
export class EventDeduper {
  readonly #exact: RecentKeys;
  readonly #twins: TwinLedger;
  readonly #now: () => number;
  #tail: Promise<unknown> = Promise.resolve();

  /** Throws `invalid_options` for a capacity or a lifetime that is not positive. */
  constructor(options: EventDeduperOptions = {}) {
    const capacity = options.capacity ?? 10_000;
    const pairTtlMs = options.pairTtlMs ?? 2 * 60_000;
    this.#now = options.now ?? Date.now;
    this.#exact = new RecentKeys({ capacity, ttlMs: options.ttlMs ?? 10 * 60_000, now: this.#now });
    if (!(pairTtlMs > 0)) throw new RTMError("invalid_options", "pairTtlMs must be a positive number");
    this.#twins = new TwinLedger(capacity, pairTtlMs);
  }

  /**
   * Resolves true when the event is new (deliver it), false when it is a copy of one already let through.
   * Rejects (`invalid_options`) only for a payload that cannot be serialised.
   */
  admit(source: DeliverySource, event: KeyedEvent): Promise<boolean> {
    if (source !== "socket" && source !== "webhook")
      return Promise.reject(new RTMError("invalid_options", "source must be socket or webhook"));
    const key = webhookEventKey(event);
    const identity = key !== null ? Promise.resolve(key) : webhookEventDigest(event);
    identity.catch(() => undefined);
    const answer = this.#tail.then(async () => {
      const id = await identity;
      if (key !== null) return this.#exact.add(id);
      return this.#twins.note(source, id, this.#now(), (event.delivery?.attempt ?? 1) > 1);
    });
    this.#tail = answer.catch(() => undefined);
    return answer;
  }
}
