import type { RTMError } from "../core/errors.js";

/** The states of a {@link CrispRTM} client. */
export type RTMState = "idle" | "discovering" | "connecting" | "authenticating" | "ready" | "reconnecting" | "closed";

/** The window during which the client was not receiving events; reconcile it over REST. */
export interface Downtime {
  /**
   * The last moment the client knows it was receiving (the last frame of the lost session, ms since epoch):
   * whatever the server sent after it may be lost, so it starts the window, not the moment the loss was noticed.
   */
  since: number;
  /** When events flow again (ms since epoch). */
  until: number;
  /** `until - since`. */
  ms: number;
}

/** Lifecycle events, named with an `rtm:` prefix so they never collide with Crisp's. */
export interface RTMLifecycleEvents {
  /** The state changed. */
  "rtm:state": { state: RTMState; previous: RTMState };
  /** Authenticated: events flow. After a reconnect, `downtime` says what was missed. */
  "rtm:ready": { reconnected: boolean; endpoint: string; downtime?: Downtime };
  /** A ready session was lost. */
  "rtm:disconnect": { reason: string; description: string; at: number; willReconnect: boolean };
  /** The next attempt is scheduled; `attempt` counts from 1 since the client was last ready. */
  "rtm:reconnecting": { attempt: number; delayMs: number; error?: RTMError };
  /** Something went wrong: a failed attempt, a protocol error, a listener that threw. */
  "rtm:error": RTMError;
  /**
   * A recovery (`recover: { messages: true }`) of the downtime `since`..`until` ended: `count` messages were
   * delivered (tell them from live ones with `rtm.isRecovered(payload)`), `requests` REST requests made;
   * `truncated` when a cap or an `error` (also reported as `rtm:error`) left part of the window unread.
   */
  "rtm:recovered": {
    since: number;
    until: number;
    count: number;
    truncated: boolean;
    requests: number;
    error?: RTMError;
  };
  /** The client is closed for good; `error` is set when it was a failure, not a call to `close()`. */
  "rtm:close": { error?: RTMError };
}

/** Names of the lifecycle events. */
export type RTMLifecycleName = keyof RTMLifecycleEvents;
