import type { Downtime } from "crisp-rtm";
import { type EventSource, encode } from "./protocol.js";
import type { WriteMeter } from "./state.js";

/** One numbered entry of the log (an `event` or a `downtime`), with its message already encoded. */
export interface LogEntry {
  seq: number;
  /** The event name; null for a downtime, which every subscriber receives. */
  name: string | null;
  websiteId: string | null;
  at: number;
  message: string;
}

/** An entry before it is numbered. */
export type LogItem =
  | {
      kind: "event";
      source: EventSource;
      name: string;
      websiteId: string | null;
      payload: Record<string, unknown>;
      at: number;
    }
  | { kind: "downtime"; downtime: Downtime };

type EntryRow = { seq: number; name: string | null; website_id: string | null; at: number; message: string };

/** The sequence number of the first hubs, kept in the key-value storage; read once to go on from it. */
const LEGACY_SEQ_KEY = "log:seq";
const CAPACITY_KEY = "log:capacity";
const RING = "hub_ring";
const UPSERT = `INSERT INTO ${RING} (slot, seq, name, website_id, at, message) VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (slot) DO UPDATE SET seq = excluded.seq, name = excluded.name, website_id = excluded.website_id, at = excluded.at, message = excluded.message`;

/**
 * The bounded replay log in the Durable Object's SQLite storage: a ring of `capacity` rows, entry `seq` in row
 * `seq % capacity`, so storing an entry overwrites the oldest one in ONE row write (no insert + trim). The
 * sequence number lives in memory and is persisted by the rows themselves (the newest row always stays), so it
 * is never reused, and a batch of entries costs one write each, in one transaction.
 */
export class ReplayLog {
  readonly #storage: DurableObjectStorage;
  readonly #meter: WriteMeter;
  readonly #capacity: number;
  #lastSeq = 0;
  #oldest: number | null = null;
  #lastEventAt: number | null = null;

  constructor(storage: DurableObjectStorage, meter: WriteMeter, capacity: number) {
    this.#storage = storage;
    this.#meter = meter;
    this.#capacity = capacity;
    const sql = storage.sql;
    sql.exec(
      `CREATE TABLE IF NOT EXISTS ${RING} (slot INTEGER PRIMARY KEY, seq INTEGER NOT NULL, name TEXT, website_id TEXT, at INTEGER NOT NULL, message TEXT NOT NULL)`,
    );
    const stored = storage.kv.get<number>(CAPACITY_KEY);
    if (stored !== capacity) storage.transactionSync(() => this.#reshape(stored !== undefined));
    const bounds = sql
      .exec<{ low: number | null; high: number | null }>(`SELECT MIN(seq) AS low, MAX(seq) AS high FROM ${RING}`)
      .one();
    this.#lastSeq = Math.max(bounds.high ?? 0, storage.kv.get<number>(LEGACY_SEQ_KEY) ?? 0);
    this.#oldest = bounds.low;
    const last = sql
      .exec<{ at: number }>(`SELECT at FROM ${RING} WHERE name IS NOT NULL ORDER BY seq DESC LIMIT 1`)
      .toArray();
    this.#lastEventAt = last[0]?.at ?? null;
  }

  /** How many entries the log keeps. */
  get capacity(): number {
    return this.#capacity;
  }

  /** The newest sequence number given out (0 before the first entry). */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** The oldest sequence number still kept, or null when the log is empty. */
  get oldestSeq(): number | null {
    return this.#oldest;
  }

  /** When the newest Crisp event arrived, or null. */
  get lastEventAt(): number | null {
    return this.#lastEventAt;
  }

  /** Numbers the items in order and stores them in one transaction (one row write each); returns the entries. */
  append(items: readonly LogItem[]): LogEntry[] {
    const entries = items.map((item, index) => this.#entry(item, this.#lastSeq + 1 + index));
    if (entries.length === 0) return entries;
    this.#storage.transactionSync(() => {
      for (const entry of entries) this.#write(entry);
    });
    const last = entries[entries.length - 1] as LogEntry;
    this.#lastSeq = last.seq;
    this.#oldest = Math.max(this.#oldest ?? (entries[0] as LogEntry).seq, last.seq - this.#capacity + 1);
    for (const entry of entries) if (entry.name !== null) this.#lastEventAt = entry.at;
    return entries;
  }

  /** The kept entries with a sequence number above `seq`, oldest first. */
  after(seq: number): LogEntry[] {
    return this.#storage.sql
      .exec<EntryRow>(`SELECT seq, name, website_id, at, message FROM ${RING} WHERE seq > ? ORDER BY seq`, seq)
      .toArray()
      .map((row) => ({ seq: row.seq, name: row.name, websiteId: row.website_id, at: row.at, message: row.message }));
  }

  #entry(item: LogItem, seq: number): LogEntry {
    if (item.kind === "downtime") {
      const { since, until, ms } = item.downtime;
      return {
        seq,
        name: null,
        websiteId: null,
        at: until,
        message: encode({ type: "downtime", seq, since, until, ms }),
      };
    }
    const { source, name, websiteId, payload, at } = item;
    return { seq, name, websiteId, at, message: encode({ type: "event", seq, name, websiteId, at, source, payload }) };
  }

  #write(entry: LogEntry): void {
    this.#meter.run(
      this.#storage.sql,
      UPSERT,
      entry.seq % this.#capacity,
      entry.seq,
      entry.name,
      entry.websiteId,
      entry.at,
      entry.message,
    );
  }

  /**
   * Lays the kept entries out for this capacity: after `HUB_LOG_SIZE` changed, or once from the first hubs'
   * table (`hub_log`, one row per entry with a trim), which it then drops.
   */
  #reshape(hadRing: boolean): void {
    const sql = this.#storage.sql;
    const legacy =
      sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'hub_log'").one()
        .n > 0;
    const source = legacy ? "hub_log" : RING;
    const rows =
      hadRing || legacy
        ? sql
            .exec<EntryRow>(
              `SELECT seq, name, website_id, at, message FROM ${source} ORDER BY seq DESC LIMIT ?`,
              this.#capacity,
            )
            .toArray()
        : [];
    sql.exec(`DELETE FROM ${RING}`);
    if (legacy) sql.exec("DROP TABLE hub_log");
    for (const row of rows)
      this.#write({ seq: row.seq, name: row.name, websiteId: row.website_id, at: row.at, message: row.message });
    this.#meter.put(this.#storage.kv, CAPACITY_KEY, this.#capacity);
  }
}
