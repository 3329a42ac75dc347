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
