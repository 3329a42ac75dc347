import type { EventFilter } from "./filters.js";

/** Why the upstream was (re)opened. */
export type OpenReason = "request" | "alarm" | "subscriber" | "start" | "bind" | "webhook";

/** What the hub should be doing, kept in storage so a restarted instance does the same. */
export interface DesiredState {
  running: boolean;
  /** The filters `POST /bind` set; null = the vars' defaults. */
  filter: EventFilter | null;
}

/** Facts about the upstream across instances (evictions, deploys). */
export interface UpstreamRecord {
  opens: number;
  readies: number;
  lastOpen: { at: number; reason: OpenReason } | null;
  lastReadyAt: number | null;
  /**
   * The last moment the upstream was known to be receiving: its last socket event, or a check while it was
   * ready (a web hook does not count). The downtime after an eviction starts there.
   */
  aliveAt: number | null;
}

const DESIRED_KEY = "hub:desired";
const RECORD_KEY = "hub:upstream";
const EMPTY_RECORD: UpstreamRecord = { opens: 0, readies: 0, lastOpen: null, lastReadyAt: null, aliveAt: null };

/** The hub's small persistent state, in the Durable Object's synchronous key-value storage. */
export class HubStore {
  readonly #kv: SyncKvStorage;
  readonly #defaultFilter: EventFilter;

  constructor(kv: SyncKvStorage, defaultFilter: EventFilter) {
    this.#kv = kv;
    this.#defaultFilter = defaultFilter;
  }

  /** The desired state; a hub that never stored one runs with the vars' filters. */
  desired(): DesiredState {
    return this.#kv.get<DesiredState>(DESIRED_KEY) ?? { running: true, filter: null };
  }

  /** Changes the desired state. */
  setDesired(patch: Partial<DesiredState>): DesiredState {
    const next = { ...this.desired(), ...patch };
    this.#kv.put(DESIRED_KEY, next);
    return next;
  }

  /** The upstream filters in force. */
  filter(): EventFilter {
    return this.desired().filter ?? this.#defaultFilter;
  }

  /** The upstream record. */
  record(): UpstreamRecord {
    return this.#kv.get<UpstreamRecord>(RECORD_KEY) ?? EMPTY_RECORD;
  }

  /** Updates the upstream record. */
  updateRecord(patch: Partial<UpstreamRecord>): UpstreamRecord {
    const next = { ...this.record(), ...patch };
    this.#kv.put(RECORD_KEY, next);
    return next;
  }
}
