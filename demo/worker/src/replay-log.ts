import type { Downtime } from "crisp-rtm";
import { encode, type EventSource } from "./protocol.js";

/** One numbered entry of the log (an `event` or a `downtime`), with its message already encoded. */
export interface LogEntry {
  seq: number;
  /** The event name; null for a downtime, which every subscriber receives. */
  name: string | null;
  websiteId: string | null;
  at: number;
  message: string;
}

type EntryRow = { seq: number; name: string | null; website_id: string | null; at: number; message: string };

const SEQ_KEY = "log:seq";

/**
 * The bounded replay log in the Durable Object's SQLite storage. Every entry gets the next sequence number
 * (persisted, never reused, even after the oldest rows are trimmed); only the newest `capacity` are kept.
 */
export class ReplayLog {
  readonly #sql: SqlStorage;
  readonly #kv: SyncKvStorage;
  readonly #capacity: number;
  #lastSeq: number;

  constructor(storage: DurableObjectStorage, capacity: number) {
    this.#sql = storage.sql;
    this.#kv = storage.kv;
    this.#capacity = capacity;
    this.#sql.exec(
      "CREATE TABLE IF NOT EXISTS hub_log (seq INTEGER PRIMARY KEY, name TEXT, website_id TEXT, at INTEGER NOT NULL, message TEXT NOT NULL)",
    );
    this.#lastSeq = this.#kv.get<number>(SEQ_KEY) ?? 0;
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
  oldestSeq(): number | null {
    return this.#sql.exec<{ seq: number | null }>("SELECT MIN(seq) AS seq FROM hub_log").one().seq;
  }

  /** When the newest kept Crisp event arrived, or null. */
  lastEventAt(): number | null {
    const rows = this.#sql.exec<{ at: number }>("SELECT at FROM hub_log WHERE name IS NOT NULL ORDER BY seq DESC LIMIT 1").toArray();
    return rows[0]?.at ?? null;
  }

  /** Numbers a Crisp event (from the socket or a web hook), stores it and trims the log. */
  appendEvent(source: EventSource, name: string, websiteId: string | null, payload: Record<string, unknown>, at: number): LogEntry {
    const seq = this.#lastSeq + 1;
    return this.#store({ seq, name, websiteId, at, message: encode({ type: "event", seq, name, websiteId, at, source, payload }) });
  }

  /** Numbers a downtime window, stores it and trims the log. */
  appendDowntime(downtime: Downtime): LogEntry {
    const seq = this.#lastSeq + 1;
    const message = encode({ type: "downtime", seq, since: downtime.since, until: downtime.until, ms: downtime.ms });
    return this.#store({ seq, name: null, websiteId: null, at: downtime.until, message });
  }

  /** The kept entries with a sequence number above `seq`, oldest first. */
  after(seq: number): LogEntry[] {
    return this.#sql
      .exec<EntryRow>("SELECT seq, name, website_id, at, message FROM hub_log WHERE seq > ? ORDER BY seq", seq)
      .toArray()
      .map((row) => ({ seq: row.seq, name: row.name, websiteId: row.website_id, at: row.at, message: row.message }));
  }

  #store(entry: LogEntry): LogEntry {
    this.#sql.exec(
      "INSERT INTO hub_log (seq, name, website_id, at, message) VALUES (?, ?, ?, ?, ?)",
      entry.seq,
      entry.name,
      entry.websiteId,
      entry.at,
      entry.message,
    );
    this.#sql.exec("DELETE FROM hub_log WHERE seq <= ?", entry.seq - this.#capacity);
    this.#kv.put(SEQ_KEY, entry.seq);
    this.#lastSeq = entry.seq;
    return entry;
  }
}
