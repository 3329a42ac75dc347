import type { UpstreamSocket } from "./config.js";
import type { EventFilter } from "./filters.js";
import type { OpenReason } from "./hub-store.js";
import type { UpstreamState } from "./protocol.js";
import type { WebhookOutcome } from "./webhook-ingest.js";

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

/** `POST /ticket` body: the scope the browser is limited to (left out or null: everything). */
export interface TicketRequest {
  events?: string[] | null;
  websites?: string[] | null;
}

/** `POST /ticket` answer; pass `ticket` as `GET /events?ticket=` before `expiresAt`. */
export interface TicketResult {
  ticket: string;
  expiresAt: number;
}

/** `POST /upstream` body. */
export interface UpstreamRequest {
  running: boolean;
}

/**
 * `POST /webhook` answer, 200 for a duplicate or a filtered hook too (anything else makes Crisp retry):
 * `seq` is the hook's sequence number, null when it was not logged.
 */
export interface WebhookResult extends WebhookOutcome {
  ok: true;
}
