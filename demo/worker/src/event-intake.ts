import type { Downtime } from "crisp-rtm";
import { EventDeduper } from "crisp-rtm/webhook";
import type { EventSource } from "./protocol.js";
import type { LogEntry, ReplayLog } from "./replay-log.js";
import type { Subscribers } from "./subscribers.js";

/** One Crisp event on its way into the log. */
export interface IncomingEvent {
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
 * The one way into the replay log. Socket events and web hooks go through ONE {@link EventDeduper}, so the
 * log and the fan-out see each event once, whichever transport brings it first; events and downtimes are
 * numbered in arrival order (each waits for the answers about those before it). The deduper lives in memory:
 * an eviction forgets it, so a copy arriving right after one can get through once.
 */
export class EventIntake {
  readonly #deduper = new EventDeduper();
  readonly #log: ReplayLog;
  readonly #subscribers: Subscribers;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(log: ReplayLog, subscribers: Subscribers) {
    this.#log = log;
    this.#subscribers = subscribers;
  }

  /** Logs and fans out an event; resolves with its entry, or null when it is a copy of one already logged. */
  event(event: IncomingEvent): Promise<LogEntry | null> {
    const keyed = { website_id: event.websiteId, event: event.name, data: event.payload, delivery: { attempt: event.attempt ?? null } };
    // A recovered message carries its fingerprint: it is matched exactly against both transports' copies.
    const fresh = this.#deduper.admit(event.source === "recovery" ? "socket" : event.source, keyed).catch(() => {
      console.warn(`crisp-hub: could not check ${event.name.slice(0, 60)} for copies; delivering it`);
      return true;
    });
    return this.#enqueue(async () => {
      if (!(await fresh)) return null;
      return this.#publish(this.#log.appendEvent(event.source, event.name, event.websiteId, event.payload, event.at));
    });
  }

  /** Logs and fans out a downtime window, after the events that arrived before it. */
  downtime(downtime: Downtime): Promise<LogEntry> {
    return this.#enqueue(() => this.#publish(this.#log.appendDowntime(downtime)));
  }

  #publish(entry: LogEntry): LogEntry {
    this.#subscribers.broadcast(entry);
    return entry;
  }

  #enqueue<T>(step: () => T | Promise<T>): Promise<T> {
    const result = this.#tail.then(step);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
