/**
 * The hub's HTTP API, as its callers see it: the bodies and answers of `/status`, `/bind`, `/ticket`,
 * `/upstream` and `/webhook`, and what the Worker hands the hub for a verified web hook.
 */
import type { UpstreamSocket } from "./config.js";
import type { EventFilter } from "./filters.js";
import type { UpstreamState } from "./protocol.js";

/** Why the upstream was (re)opened: the entry point that found it closed. */
export type OpenReason = "request" | "alarm" | "subscriber" | "start" | "webhook";

/** The last error of the upstream connection (its message never contains the token). */
export interface UpstreamError {
  code: string;
  message: string;
  at: number;
}

/** `GET /status`. */
export interface HubStatus {
  /** Whether the hub should hold the upstream connection (`POST /upstream` changes it). */
  running: boolean;
  upstream: {
    state: UpstreamState;
    /** False when `CRISP_IDENTIFIER` / `CRISP_KEY` are missing. */
    configured: boolean;
    socket: UpstreamSocket;
    /** Connections opened since the hub was created (after evictions and deploys included). */
    opens: number;
    /** Times the upstream became ready again after having been ready before. */
    reconnects: number;
    lastOpen: { at: number; reason: OpenReason } | null;
    lastReadyAt: number | null;
    lastError: UpstreamError | null;
  };
  /** When the newest event arrived (ms since epoch), or null. */
  lastEventAt: number | null;
  subscribers: number;
  log: { seq: number; oldest: number | null; capacity: number };
  watchdog: { intervalMs: number; lastRunAt: number | null; nextAt: number | null };
  /** When this instance of the object started: a new one after every eviction, hibernation or deploy. */
  instanceStartedAt: number;
  /** Storage rows this instance wrote since it started (log rows, state records), as Cloudflare bills them. */
  storage: { writes: number };
  /** The upstream filters; only shown to a caller with the bearer secret. */
  filter?: EventFilter;
}

/** `POST /bind` body: a field left out stays as it is; `null` means every event / every website of the token. */
export interface BindRequest {
  events?: string[] | null;
  websites?: string[] | null;
}

/** `POST /bind` answer. */
export interface BindResult {
  filter: EventFilter;
  upstream: UpstreamState;
}

/** `POST /ticket` answer; pass `ticket` as `GET /events?ticket=` before `expiresAt`. */
export interface TicketResult {
  ticket: string;
  expiresAt: number;
}

/**
 * `POST /webhook` answer, 200 for a duplicate or a filtered hook too (anything else makes Crisp retry):
 * `seq` is the hook's sequence number, null when it was not logged.
 */
export interface WebhookResult extends WebhookOutcome {
  ok: true;
}

/** What the Worker hands the hub for a verified web hook (`POST /webhook`). */
export interface IncomingWebhook {
  /** The body's `website_id`; null: the hub takes `data.website_id`. */
  website_id: string | null;
  event: string;
  data: Record<string, unknown>;
  /** `X-Delivery-Attempt-Count` (1 for the first delivery), or null when Crisp did not send it. */
  attempt: number | null;
}

/** What became of a web hook in the hub. */
export interface WebhookOutcome {
  /** The sequence number it got; null when it was not logged. */
  seq: number | null;
  /** True when it was a copy of an event already logged (the socket's, or an earlier delivery of the hook). */
  duplicate: boolean;
  /** True when the upstream filters (`CRISP_EVENTS` / `CRISP_WEBSITES` / `POST /bind`) exclude it. */
  filtered: boolean;
}
