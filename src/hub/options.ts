import { RTMError } from "../core/errors.js";
import type { RTMEventName } from "../crisp/catalog.js";
import type { Downtime } from "../crisp/lifecycle.js";
import type { BackoffPolicy } from "../crisp/retry.js";
import type { HubUpstreamState } from "./protocol.js";

/**
 * Where the client keeps the sequence number of the last entry it delivered, so a page reload or a process
 * restart resumes where it stopped instead of from "now" (e.g. `localStorage` in a page, a file or a KV on a
 * server). Without one the cursor lives in memory only.
 */
export interface CursorStore {
  /** The last delivered sequence number, or null when nothing was delivered yet. */
  get(): number | null;
  /** Called after each delivered entry (events and downtime notices). */
  set(seq: number): void;
}

/** The minimal WebSocket the client needs: the browser's, Deno's, Node's (>= 22) or workerd's. */
export type HubWebSocketConstructor = new (url: string) => WebSocket;

/** Options of {@link HubClient}. `url` and one credential (`ticket` or `bearer`) are needed. */
export interface HubClientOptions {
  /** The hub's `/events` URL: `wss://hub.example.com/events` (`ws://` only on this machine; `http(s)` accepted). */
  url: string | URL;
  /**
   * Browsers: returns a fresh ticket from your backend (which got it from the hub's `POST /ticket`). Called
   * before every connection, since a ticket opens one subscription only.
   */
  ticket?: () => string | Promise<string>;
  /**
   * Server-side consumers: the hub's subscriber secret. Before each connection the client trades it for a
   * single-use ticket (`POST /ticket` with `Authorization: Bearer`), since a WebSocket cannot send that header
   * in every runtime; the secret itself never goes into a URL.
   */
  bearer?: string;
  /** Event names (or `prefix*` patterns such as `message:*`) to receive; default every event the credential allows. */
  events?: readonly (RTMEventName | (string & {}))[];
  /** Website ids to receive; default every website. */
  websites?: readonly string[];
  /** Keeps the resume point across reloads or restarts; default in memory. */
  cursor?: CursorStore;
  /** `false` never reconnects; otherwise the backoff schedule (the first retry is immediate). */
  reconnect?: false | Partial<BackoffPolicy & { maxAttempts: number }>;
  /** Closes the client when aborted (`rtm:close` with an `aborted` error). */
  signal?: AbortSignal;
  /** A WebSocket constructor, for runtimes without a global one. */
  WebSocket?: HubWebSocketConstructor;
  /** How often to ping the hub when it is quiet; two silent periods in a row mean a dead socket. Default 25 000 ms. */
  heartbeatMs?: number;
}

/** The states of a {@link HubClient}. */
export type HubState = "idle" | "connecting" | "ready" | "reconnecting" | "closed";

/** Lifecycle events and hub notices, named with an `rtm:` prefix so they never collide with Crisp's. */
export interface HubLifecycleEvents {
  /** The state changed. */
  "rtm:state": { state: HubState; previous: HubState };
  /** Subscribed and caught up (`replayed` entries were sent from the hub's log); events flow live. */
  "rtm:ready": { reconnected: boolean; endpoint: string; replayed: number; seq: number };
  /** A live subscription was lost. */
  "rtm:disconnect": { reason: string; description: string; at: number; willReconnect: boolean };
  /** The next attempt is scheduled; `attempt` counts from 1 since the client was last ready. */
  "rtm:reconnecting": { attempt: number; delayMs: number; error?: RTMError };
  /** Something went wrong: a refused or failed attempt, a malformed frame, a listener that threw. */
  "rtm:error": RTMError;
  /** The client is closed for good; `error` is set when it was a failure, not a call to `close()`. */
  "rtm:close": { error?: RTMError };
  /** The hub received nothing from Crisp during this window: Crisp never replays it, reconcile it over REST. */
  "rtm:downtime": Downtime & { seq: number };
  /** Entries `from`..`to` were missed and the hub's log no longer holds them: reconcile over REST. */
  "rtm:gap": { from: number; to: number };
  /** The hub's storage was reset (its sequence is behind the cursor): its log is delivered again from the start. */
  "rtm:reset": { since: number; seq: number };
  /**
   * The hub read a downtime's messages back over Crisp's REST API: `count` new ones came as events (each once,
   * `isRecovered()` tells them apart); `truncated` when a cap or an `error` (an RTMError code) left part unread.
   */
  "rtm:recovered": { since: number; until: number; count: number; truncated: boolean; error?: string };
  /** The hub's own connection to Crisp changed state (also sent once per subscription, with the current state). */
  "rtm:upstream": { state: HubUpstreamState; at: number };
}

/** Names of the lifecycle events. */
export type HubLifecycleName = keyof HubLifecycleEvents;

/** The options once checked, with defaults. */
export interface ResolvedHubOptions {
  url: URL;
  ticket: (() => string | Promise<string>) | undefined;
  bearer: string | undefined;
  events: string[];
  websites: string[];
  cursor: CursorStore | undefined;
  reconnect: (BackoffPolicy & { maxAttempts: number }) | false;
  signal: AbortSignal | undefined;
  WebSocket: HubWebSocketConstructor | undefined;
  heartbeatMs: number;
}

const invalid = (message: string): RTMError => new RTMError("invalid_options", message);

/** The backoff schedule's defaults; every field can be overridden. */
const RECONNECT = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
  maxAttempts: Number.POSITIVE_INFINITY,
};

/** A filter list as the hub accepts it (at most 100 names; events may end with `*`), so it never refuses one. */
function list(value: readonly string[] | undefined, name: string, valid: RegExp): string[] {
  if (
    value !== undefined &&
    !(Array.isArray(value) && value.length <= 100 && value.every((entry) => valid.test(entry)))
  ) {
    throw invalid(`${name}: at most 100 valid names`);
  }
  return [...new Set(value ?? [])];
}

/** Checks the options (throws `invalid_options` or `insecure_endpoint`) and fills in the defaults. */
export function resolveHubOptions(options: HubClientOptions): ResolvedHubOptions {
  const given: Partial<HubClientOptions> = options ?? {};
  const { ticket, bearer, cursor, reconnect = {}, heartbeatMs = 25_000 } = given;
  let url: URL;
  try {
    url = new URL(String(given.url).replace(/^http/i, "ws"));
  } catch {
    throw invalid("url: the hub's /events URL");
  }
  if (!/^wss?:$/.test(url.protocol) || url.username || url.searchParams.has("ticket"))
    throw invalid("url: a wss:// URL without credentials");
  if (url.protocol === "ws:" && !/^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/i.test(url.hostname)) {
    throw new RTMError("insecure_endpoint", "use wss:// for a hub that is not on this machine");
  }
  if ((typeof ticket === "function") === (typeof bearer === "string" && bearer !== ""))
    throw invalid("give ticket (a function) or bearer (a string)");
  if (cursor !== undefined && typeof cursor?.get !== "function") throw invalid("cursor: { get(), set(seq) }");
  const policy = reconnect === false ? false : { ...RECONNECT, ...reconnect };
  if ((policy && !Object.values(policy).every((value) => value >= 0)) || !(heartbeatMs > 0))
    throw invalid("reconnect and heartbeatMs: numbers >= 0");
  return {
    url,
    ticket,
    bearer,
    events: list(given.events, "events", /^([\w.:-]{1,80}\*?|\*)$/),
    websites: list(given.websites, "websites", /^[\w-]{1,64}$/),
    cursor,
    reconnect: policy,
    signal: given.signal,
    WebSocket: given.WebSocket,
    heartbeatMs,
  };
}
