import { eventsForTier, type RTMTier } from "./catalog.js";

/** Announces that websites subscribed to (or left) the plugin: the client re-binds to see the new ones. */
export const SUBSCRIPTION_UPDATED = "plugin:subscription:updated";

/** The filters sent in `authentication` and `socket:bind`. */
export interface Filters {
  events: string[];
  rooms?: string[];
}

/**
 * What the client asks Crisp for. Event names come from an explicit list (the `events` option or `bind()`),
 * extended by any name a listener is added for; without an explicit list they are the names that have
 * listeners, and a `*` listener stands for every event of the tier. Rooms are explicit or absent (all). On the
 * plugin tier {@link SUBSCRIPTION_UPDATED} is always asked for, so websites that subscribe later are picked up.
 */
export class Subscription {
  readonly #tier: RTMTier;
  #explicit: Set<string> | undefined;
  #rooms: string[] | undefined;

  constructor(tier: RTMTier, events: string[] | undefined, rooms: string[] | undefined) {
    this.#tier = tier;
    this.#explicit = events && new Set(events);
    this.#rooms = rooms;
  }

  /** Replaces the explicit event list and/or the rooms (a field left undefined stays as it is). */
  replace(events: string[] | undefined, rooms: string[] | undefined): void {
    if (events) this.#explicit = new Set(events);
    if (rooms) this.#rooms = rooms;
  }

  /** Adds a listened name to the explicit list, if there is one. */
  noteListener(name: string): void {
    if (name !== "*") this.#explicit?.add(name);
  }

  /** The filters to send, given the names that currently have listeners. */
  filters(listened: readonly string[]): Filters {
    let events: string[];
    if (this.#explicit) events = [...this.#explicit];
    else if (listened.includes("*")) events = eventsForTier(this.#tier);
    else events = [...listened];
    if (this.#tier === "plugin" && !events.includes(SUBSCRIPTION_UPDATED)) events.push(SUBSCRIPTION_UPDATED);
    events.sort();
    return this.#rooms ? { events, rooms: [...this.#rooms] } : { events };
  }
}

/** A stable key of a {@link Filters} value, to tell whether they changed. */
export function filtersKey(filters: Filters): string {
  return JSON.stringify([filters.events, filters.rooms ?? null]);
}
