import type { CrispHub } from "./hub.js";

/**
 * The Worker's bindings. Secrets (set with `wrangler secret put`): `CRISP_IDENTIFIER`, `CRISP_KEY`,
 * `SUBSCRIBER_SECRET`, optionally `TICKET_SECRET` and `CRISP_WEBHOOK_SECRET`. Everything else is a plain var (see wrangler.jsonc).
 */
export interface HubEnv {
  /** The Durable Object namespace of {@link CrispHub}. */
  HUB: DurableObjectNamespace<CrispHub>;
  /** Crisp token identifier (secret). */
  CRISP_IDENTIFIER?: string;
  /** Crisp token key (secret). */
  CRISP_KEY?: string;
  /** What services send as `Authorization: Bearer …` (secret, at least 16 characters). */
  SUBSCRIBER_SECRET?: string;
  /** Signs browser tickets (secret); default: a key derived from `SUBSCRIBER_SECRET`. */
  TICKET_SECRET?: string;
  /** The secret Crisp signs web hooks with (secret); unset: `POST /webhook` answers 404. */
  CRISP_WEBHOOK_SECRET?: string;
  /** Token tier: `plugin` (default), `user` or `website`. */
  CRISP_TIER?: string;
  /** Website id, for the `website` tier only. */
  CRISP_WEBSITE_ID?: string;
  /** REST base for endpoint discovery; default Crisp's. */
  CRISP_REST_BASE?: string;
  /** Explicit RTM endpoint (skips discovery). */
  CRISP_ENDPOINT?: string;
  /** Initial upstream event names, comma-separated; empty = every event of the tier. */
  CRISP_EVENTS?: string;
  /** Initial upstream website ids, comma-separated; empty = every website of the token. */
  CRISP_WEBSITES?: string;
  /** `off` disables the recovery of downtimes over REST (see recovery.ts); default on. */
  CRISP_RECOVER?: string;
  /** `websocket` (default) or `fetch`: how the outbound socket is opened. */
  HUB_UPSTREAM_SOCKET?: string;
  /** Replay log capacity (events); default 1000. */
  HUB_LOG_SIZE?: string;
  /** Watchdog alarm period in seconds; default 45. */
  HUB_WATCHDOG_SECONDS?: string;
  /** Ticket lifetime in seconds; default 60. */
  HUB_TICKET_TTL_SECONDS?: string;
  /** `"true"` enables the `/_test/*` routes; for the test suite only, never in production. */
  HUB_TEST_ROUTES?: string;
}
