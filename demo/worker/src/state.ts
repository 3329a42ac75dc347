import type { OpenReason } from "./api.js";
import type { EventFilter } from "./filters.js";

/**
 * The hub's persistent state apart from the replay log: what it should be doing, facts about its upstream
 * across instances, the tickets already used, the watchdog alarm, and a count of the rows it writes (writes
 * are what Cloudflare bills, so the hub keeps them few: about one per event, see `replay-log.ts`).
 */

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
   * A moment the upstream was known to be receiving (a frame or a ping from Crisp while ready), written at most
   * every {@link ALIVE_WRITE_MS}, so it is at most that much older than the last frame: the downtime after an
   * eviction starts there, never later than the truth.
   */
  aliveAt: number | null;
}

/** How often, at most, the liveness record is written while frames keep coming. */
const ALIVE_WRITE_MS = 10_000;

const DESIRED_KEY = "hub:desired";
const RECORD_KEY = "hub:upstream";
const EMPTY_RECORD: UpstreamRecord = { opens: 0, readies: 0, lastOpen: null, lastReadyAt: null, aliveAt: null };

/** Counts the rows written to storage by this instance (SQL rows as the cursor reports them, one per key put). */
export class WriteMeter {
  #writes = 0;

  /** Rows written so far. */
  get writes(): number {
    return this.#writes;
  }

  /** Runs a statement to its end, counting the rows it wrote; returns the rows it returned. */
  run(sql: SqlStorage, query: string, ...bindings: (string | number | null)[]): Record<string, SqlStorageValue>[] {
    const cursor = sql.exec(query, ...bindings);
    const rows = cursor.toArray();
    this.#writes += cursor.rowsWritten;
    return rows;
  }

  /** Puts a key of the synchronous key-value storage. */
  put(kv: SyncKvStorage, key: string, value: unknown): void {
    kv.put(key, value);
    this.#writes += 1;
  }
}

/** The hub's small persistent state, in the Durable Object's synchronous key-value and SQL storage. */
export class HubStore {
  readonly #storage: DurableObjectStorage;
  readonly #meter: WriteMeter;
  readonly #defaultFilter: EventFilter;
  #aliveWrittenAt = 0;

  constructor(storage: DurableObjectStorage, meter: WriteMeter, defaultFilter: EventFilter) {
    this.#storage = storage;
    this.#meter = meter;
    this.#defaultFilter = defaultFilter;
    storage.sql.exec("CREATE TABLE IF NOT EXISTS hub_tickets (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
  }

  /** The desired state; a hub that never stored one runs with the vars' filters. */
  desired(): DesiredState {
    return this.#storage.kv.get<DesiredState>(DESIRED_KEY) ?? { running: true, filter: null };
  }

  /** Changes the desired state. */
  setDesired(patch: Partial<DesiredState>): DesiredState {
    const next = { ...this.desired(), ...patch };
    this.#meter.put(this.#storage.kv, DESIRED_KEY, next);
    return next;
  }

  /** The upstream filters in force. */
  filter(): EventFilter {
    return this.desired().filter ?? this.#defaultFilter;
  }

  /** The upstream record. */
  record(): UpstreamRecord {
    return this.#storage.kv.get<UpstreamRecord>(RECORD_KEY) ?? EMPTY_RECORD;
  }

  /** Updates the upstream record. */
  updateRecord(patch: Partial<UpstreamRecord>): UpstreamRecord {
    const next = { ...this.record(), ...patch };
    this.#meter.put(this.#storage.kv, RECORD_KEY, next);
    if (patch.aliveAt !== undefined && patch.aliveAt !== null) this.#aliveWrittenAt = patch.aliveAt;
    return next;
  }

  /** Notes that the upstream was receiving at `at`; writes it only when the record is {@link ALIVE_WRITE_MS} old. */
  alive(at: number): void {
    if (at - this.#aliveWrittenAt >= ALIVE_WRITE_MS) this.updateRecord({ aliveAt: at });
  }

  /** Records a ticket's use, so each ticket opens one subscription; false when it was used before. */
  consumeTicket(id: string, expiresAt: number, now: number): boolean {
    this.#meter.run(this.#storage.sql, "DELETE FROM hub_tickets WHERE expires_at < ?", now);
    const query = "INSERT INTO hub_tickets (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id";
    return this.#meter.run(this.#storage.sql, query, id, expiresAt).length === 1;
  }
}

/**
 * The alarm that brings the hub back: an outbound socket does not keep a Durable Object alive for ever
 * (evictions, deploys, the 15-minute cap), but an alarm wakes it up, and waking re-opens the upstream.
 */
export class Watchdog {
  readonly #storage: DurableObjectStorage;
  readonly #intervalMs: number;
  #lastRunAt: number | null = null;

  constructor(storage: DurableObjectStorage, intervalMs: number) {
    this.#storage = storage;
    this.#intervalMs = intervalMs;
  }

  /** The period, in ms. */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** When this instance last ran the watchdog. */
  get lastRunAt(): number | null {
    return this.#lastRunAt;
  }

  /** Notes a run (call from `alarm()`). */
  ran(at: number): void {
    this.#lastRunAt = at;
  }

  /** Schedules the next run one period from now. */
  async arm(): Promise<void> {
    await this.#storage.setAlarm(Date.now() + this.#intervalMs);
  }

  /** Schedules a run unless one is already scheduled. */
  async ensureArmed(): Promise<void> {
    if ((await this.#storage.getAlarm()) === null) await this.arm();
  }

  /** When the next run is due, or null. */
  nextAt(): Promise<number | null> {
    return this.#storage.getAlarm();
  }

  /** Cancels the next run. */
  async disarm(): Promise<void> {
    await this.#storage.deleteAlarm();
  }
}
