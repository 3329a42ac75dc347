import { type RTMError, toRTMError } from "../core/errors.js";
import { redactor } from "../core/redact.js";
import { type RecoveryPlan, recoveryLimits, runRecovery } from "../rest/recover.js";
import { crispHeaders } from "../rest/request.js";
import type { Downtime, RTMLifecycleEvents } from "./lifecycle.js";
import type { ResolvedOptions } from "./options.js";
import type { Filters } from "./subscription.js";

/** Message keys remembered to deliver each message once; the oldest are forgotten first. */
const REMEMBERED = 20_000;

/**
 * `recover: { messages: true }`: after a reconnect, reads the downtime's messages back over REST and hands them
 * to the client's listeners, each message once whichever way it comes (socket, web hook through `dispatch`,
 * recovery), keyed on website, session and fingerprint; then reports `rtm:recovered`. A failed recovery is an
 * `rtm:error` (and `rtm:recovered` with `error`), never a reason to drop the socket.
 */
export class MessageRecovery {
  readonly #seen = new Set<string>();
  readonly #recovered = new WeakSet<object>();
  readonly #plan: Omit<RecoveryPlan, "websites">;
  readonly #websiteId: string | undefined;

  /** Validates the caps of `options.recover` (throws `invalid_options`). */
  constructor(
    options: ResolvedOptions,
    readonly signal: AbortSignal,
    readonly deliver: (name: string, payload: object) => void,
    readonly emit: (info: RTMLifecycleEvents["rtm:recovered"]) => void,
    readonly report: (error: RTMError) => void,
  ) {
    this.#websiteId = options.websiteId;
    this.#plan = {
      ...recoveryLimits(options.recover ?? {}),
      base: options.restBase.replace(/\/*$/, "/"),
      headers: crispHeaders(options.identifier, options.key, options.tier),
      redact: redactor(options.identifier, options.key),
      signal,
      fetch: options.fetch,
    };
  }

  /** False when this message (`message:send` / `message:received`) was delivered already; other events pass. */
  admit(name: string, payload: object): boolean {
    const { website_id, session_id, fingerprint } = payload as Record<string, unknown>;
    if (!/^message:(send|received)$/.test(name) || fingerprint == null) return true;
    const key = `${website_id} ${session_id} ${fingerprint}`;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    if (this.#seen.size > REMEMBERED) this.#seen.delete(this.#seen.values().next().value as string);
    return true;
  }

  /** True for a payload this recovery delivered (not the socket nor `dispatch`). */
  isRecovered(payload: object): boolean {
    return this.#recovered.has(payload);
  }

  /** Recovers `downtime` for the websites and events of `filters` (nothing when no message event is listened to). */
  async run({ since, until }: Downtime, { events, rooms }: Filters): Promise<void> {
    if (!events.some((name) => /^message:(send|received)$/.test(name))) return;
    let count = 0;
    let error: RTMError | undefined;
    let result = { truncated: true, requests: 0 };
    try {
      const websites = rooms ?? (this.#websiteId ? [this.#websiteId] : undefined);
      const recovery = runRecovery({ ...this.#plan, websites }, since, until);
      result = recovery.result;
      for await (const { name, payload } of recovery) {
        if (!this.admit(name, payload)) continue;
        this.#recovered.add(payload);
        count += 1;
        this.deliver(name, payload);
      }
    } catch (cause) {
      if (this.signal.aborted) return;
      error = toRTMError(cause, "recovery_failed", "recovery failed");
      this.report(error);
    }
    this.emit({
      since,
      until,
      count,
      truncated: result.truncated || !!error,
      requests: result.requests,
      ...(error && { error }),
    });
  }
}
