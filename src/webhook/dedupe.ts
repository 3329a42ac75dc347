import { RTMError } from "../core/errors.js";
import { webhookEventDigest } from "./event-digest.js";
import { webhookEventKey, type KeyedEvent } from "./event-key.js";
import { RecentKeys } from "./recent-keys.js";
import { TwinLedger } from "./twin-ledger.js";

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
    if (source !== "socket" && source !== "webhook") return Promise.reject(new RTMError("invalid_options", "source must be socket or webhook"));
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
