/**
 * The tickets already used, so each one opens a single subscription: a ticket seen in a log or a browser
 * history is worthless. Rows are kept until the ticket expires.
 */
export class TicketLedger {
  readonly #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS hub_tickets (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)");
  }

  /** Records a ticket's use; false when it was used before. */
  consume(id: string, expiresAt: number, now: number): boolean {
    this.#sql.exec("DELETE FROM hub_tickets WHERE expires_at < ?", now);
    const inserted = this.#sql
      .exec("INSERT INTO hub_tickets (id, expires_at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING RETURNING id", id, expiresAt)
      .toArray();
    return inserted.length === 1;
  }
}
