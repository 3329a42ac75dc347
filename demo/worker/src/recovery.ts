import type { Downtime } from "crisp-rtm";
import { recoverMessages } from "crisp-rtm/recover";
import type { CrispSettings } from "./config.js";
import { type EventFilter, matches } from "./filters.js";
import type { EventIntake } from "./intake.js";
import type { RecoveredMessage } from "./protocol.js";

/**
 * The hub's answer to a downtime (a dropped upstream, an eviction, a deploy): it reads the window's messages back
 * over Crisp's REST API with `crisp-rtm/recover` and appends them to the same sequence and replay log as socket
 * events and web hooks, through the same {@link EventIntake} (so a message the socket or a hook already brought is
 * not logged twice, and a later copy is dropped), with `source: "recovery"`; then it tells every subscriber with
 * a `recovered` notice. Recoveries run one at a time, in the order of their downtimes. Off with
 * `CRISP_RECOVER=off`.
 *
 * The REST requests are plain `fetch`es whose bodies are read whole while the upstream WebSocket stays open: the
 * hub tests hold the upstream through a recovery and check it survives (workerd has closed a Durable Object's
 * outbound WebSocket after a concurrent streaming fetch finished).
 */
export class HubRecovery {
  readonly #settings: CrispSettings;
  readonly #intake: EventIntake;
  readonly #announce: (notice: RecoveredMessage) => void;
  #tail: Promise<void> = Promise.resolve();

  constructor(settings: CrispSettings, intake: EventIntake, announce: (notice: RecoveredMessage) => void) {
    this.#settings = settings;
    this.#intake = intake;
    this.#announce = announce;
  }

  /** Queues the recovery of `downtime` for the upstream filter in force; resolves once it is over. */
  recover(downtime: Downtime, filter: EventFilter): Promise<void> {
    this.#tail = this.#tail.then(() => this.#run(downtime, filter));
    return this.#tail;
  }

  async #run({ since, until }: Downtime, filter: EventFilter): Promise<void> {
    if (
      filter.events &&
      !["message:send", "message:received"].some((name) =>
        matches({ events: filter.events, websites: null }, name, null),
      )
    )
      return;
    const { identifier, key, tier, websiteId, restBase } = this.#settings;
    let count = 0;
    let truncated = true;
    let requests = 0;
    let error: string | undefined;
    try {
      const recovery = recoverMessages({
        identifier,
        key,
        tier,
        window: { since, until },
        ...(restBase === undefined ? {} : { restBase }),
        ...(websiteId === undefined ? {} : { websiteId }),
        ...(filter.websites === null ? {} : { websites: filter.websites }),
      });
      for await (const { name, payload } of recovery) {
        if (!matches(filter, name, payload.website_id)) continue;
        const entry = await this.#intake.event({
          source: "recovery",
          name,
          websiteId: payload.website_id,
          payload,
          at: Date.now(),
        });
        if (entry) count += 1;
      }
      truncated = recovery.result.truncated;
      requests = recovery.result.requests;
    } catch (cause) {
      error = cause instanceof Error && "code" in cause ? String(cause.code) : "recovery_failed";
      console.warn(`crisp-hub: recovery of ${since}..${until} failed: ${error}`);
    }
    console.log(
      `crisp-hub: recovered ${count} messages of ${since}..${until} (${requests} requests${truncated ? ", truncated" : ""})`,
    );
    this.#announce({ type: "recovered", since, until, count, truncated, ...(error === undefined ? {} : { error }) });
  }
}
