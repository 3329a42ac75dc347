import type { Downtime } from "crisp-rtm";
import { EventDeduper } from "crisp-rtm/webhook";
import type { EventSource } from "./protocol.js";
import type { LogEntry, LogItem, ReplayLog } from "./replay-log.js";
import type { Subscribers } from "./subscribers.js";

/** One Crisp event on its way into the log. */
interface IncomingEvent {
  source: EventSource;
  name: string;
  websiteId: string | null;
  payload: Record<string, unknown>;
  /** When the hub received it (ms since epoch). */
  at: number;
  /** A web hook's `X-Delivery-Attempt-Count`: a retry also matches an earlier delivery of the same hook. */
  attempt?: number | null;
}

/**
 * Most entries logged and fanned out in one batch: enough to amortise the fan-out, small enough to yield often.
 * Chosen with `npm run bench:hub` (100 subscribers): 16 keeps `/status` under 70 ms p95 during a burst at about
 * 95,000 deliveries/s; 64 doubles the rate but lets that p95 pass 100 ms.
 */
const MAX_BATCH = 16;

interface Pending {
  item: LogItem;
  /** Resolves true when the item is new, false for a copy of an event already logged. */
  fresh: Promise<boolean>;
  done: (entry: LogEntry | null) => void;
  failed: (error: unknown) => void;
}

/** Waits for the next turn of the event loop, so whatever arrived meanwhile (requests, pings) runs first. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The one way into the replay log. Events (socket and web hooks) and downtimes wait in a queue in arrival
 * order; a worker takes up to {@link MAX_BATCH} at a time, drops the copies (ONE {@link EventDeduper} for
 * both transports, so the log sees each event once whichever brings it first), numbers and stores the rest
 * in one transaction, fans them out as one frame per subscriber, and yields to the event loop before the
 * next batch. Receiving an event costs the socket's handler only a push, so the upstream's heartbeat, new
 * subscriptions and requests are served in the middle of a burst. The deduper lives in memory; a new instance
 * relearns the fingerprinted messages of its log, but an event without a fingerprint whose twin came before an
 * eviction can get through once.
 */
export class EventIntake {
  readonly #deduper = new EventDeduper();
  readonly #log: ReplayLog;
  readonly #subscribers: Subscribers;
  readonly #queue: Pending[] = [];
  #working = false;

  constructor(log: ReplayLog, subscribers: Subscribers) {
    this.#log = log;
    this.#subscribers = subscribers;
    this.#remember(log.after(0));
  }

  /**
   * Teaches a new instance (after an eviction or a deploy) the messages its log already holds, so that a copy of
   * one arriving later (a web hook retry, a socket twin, the REST recovery of a window that overlaps them) is
   * dropped instead of logged twice. Only messages with a fingerprint: they match exactly, whichever way they come.
   */
  #remember(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      if (entry.name === null) continue;
      const { name, websiteId, payload } = JSON.parse(entry.message) as {
        name: string;
        websiteId: string | null;
        payload: Record<string, unknown>;
      };
      if (payload?.fingerprint == null) continue;
      this.#deduper.admit("socket", { website_id: websiteId, event: name, data: payload }).catch(() => undefined);
    }
  }

  /** Queues an event; resolves with its entry once logged and sent, or null when it is a copy of one already logged. */
  event(event: IncomingEvent): Promise<LogEntry | null> {
    const keyed = {
      website_id: event.websiteId,
      event: event.name,
      data: event.payload,
      delivery: { attempt: event.attempt ?? null },
    };
    // A recovered message carries its fingerprint: it is matched exactly against both transports' copies.
    const fresh = this.#deduper.admit(event.source === "recovery" ? "socket" : event.source, keyed).catch(() => {
      console.warn(`crisp-hub: could not check ${event.name.slice(0, 60)} for copies; delivering it`);
      return true;
    });
    const { source, name, websiteId, payload, at } = event;
    return this.#enqueue({ kind: "event", source, name, websiteId, payload, at }, fresh);
  }

  /** Queues a downtime window, after the events that arrived before it. */
  downtime(downtime: Downtime): Promise<LogEntry | null> {
    return this.#enqueue({ kind: "downtime", downtime }, Promise.resolve(true));
  }

  /** How many items wait to be logged. */
  get backlog(): number {
    return this.#queue.length;
  }

  #enqueue(item: LogItem, fresh: Promise<boolean>): Promise<LogEntry | null> {
    return new Promise((done, failed) => {
      this.#queue.push({ item, fresh, done, failed });
      if (!this.#working) {
        this.#working = true;
        void this.#work();
      }
    });
  }

  async #work(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        await nextTurn();
        const batch = this.#queue.splice(0, MAX_BATCH);
        try {
          await this.#process(batch);
        } catch (error) {
          for (const pending of batch) pending.failed(error);
        }
      }
    } finally {
      this.#working = false;
    }
  }

  async #process(batch: Pending[]): Promise<void> {
    const verdicts = await Promise.all(batch.map((pending) => pending.fresh));
    const kept = batch.filter((_, index) => verdicts[index]);
    const entries = this.#log.append(kept.map((pending) => pending.item));
    this.#subscribers.broadcast(entries);
    let next = 0;
    for (const [index, pending] of batch.entries()) {
      if (!verdicts[index]) {
        pending.done(null);
        continue;
      }
      pending.done(entries[next] ?? null);
      next += 1;
    }
  }
}
