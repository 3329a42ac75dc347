import type { RTMTier } from "crisp-rtm";
import { type EventFilter, parseCsv } from "./filters.js";

/**
 * The Worker's bindings. Secrets (set with `wrangler secret put`): `CRISP_IDENTIFIER`, `CRISP_KEY`,
 * `SUBSCRIBER_SECRET`, optionally `TICKET_SECRET` and `CRISP_WEBHOOK_SECRET`. Everything else is a plain var (see wrangler.jsonc).
 */
export interface HubEnv {
  /** The Durable Object namespace of the hub (`CrispHub`); `routes.ts` types its stub. */
  HUB: DurableObjectNamespace;
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

/** How the Durable Object opens its outbound WebSocket. */
export type UpstreamSocket = "websocket" | "fetch";

/** The Crisp connection settings; secrets included, so never log this object. */
export interface CrispSettings {
  identifier: string;
  key: string;
  tier: RTMTier;
  websiteId: string | undefined;
  restBase: string | undefined;
  endpoint: string | undefined;
}

/** The hub's settings, read from the Worker's vars and secrets. */
export interface HubConfig {
  /** Null when `CRISP_IDENTIFIER` or `CRISP_KEY` is missing: the hub then stays disconnected. */
  crisp: CrispSettings | null;
  /** The upstream filters until `POST /bind` changes them. */
  defaultFilter: EventFilter;
  socket: UpstreamSocket;
  logSize: number;
  watchdogMs: number;
  ticketTtlMs: number;
  /** Null when `SUBSCRIBER_SECRET` is missing or shorter than {@link MIN_SECRET_LENGTH}: every authenticated route then answers 503. */
  subscriberSecret: string | null;
  /** `TICKET_SECRET` (at least {@link MIN_SECRET_LENGTH} characters); null: tickets are signed with a key derived from the subscriber secret. */
  ticketSecret: string | null;
  /** `CRISP_WEBHOOK_SECRET`, the key Crisp signs web hooks with; null: `POST /webhook` answers 404. */
  webhookSecret: string | null;
  testRoutes: boolean;
}

/** The shortest accepted `SUBSCRIBER_SECRET`. */
export const MIN_SECRET_LENGTH = 16;

const TIERS: readonly RTMTier[] = ["plugin", "user", "website"];

function integer(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = Number.parseInt(value ?? "", 10);
  if (!Number.isFinite(parsed)) return fallback;
  return Math.min(max, Math.max(min, parsed));
}

function optional(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function longEnough(value: string | undefined): string | null {
  const secret = optional(value);
  return secret && secret.length >= MIN_SECRET_LENGTH ? secret : null;
}

function crispSettings(env: HubEnv): CrispSettings | null {
  const identifier = optional(env.CRISP_IDENTIFIER);
  const key = optional(env.CRISP_KEY);
  if (!identifier || !key) return null;
  const tier = TIERS.find((candidate) => candidate === optional(env.CRISP_TIER)) ?? "plugin";
  return {
    identifier,
    key,
    tier,
    websiteId: optional(env.CRISP_WEBSITE_ID),
    restBase: optional(env.CRISP_REST_BASE),
    endpoint: optional(env.CRISP_ENDPOINT),
  };
}

function defaultFilter(env: HubEnv): EventFilter {
  try {
    return {
      events: parseCsv(env.CRISP_EVENTS, "events", "exact"),
      websites: parseCsv(env.CRISP_WEBSITES, "websites", "exact"),
    };
  } catch {
    console.error("crisp-hub: CRISP_EVENTS or CRISP_WEBSITES is malformed; using every event and website");
    return { events: null, websites: null };
  }
}

/** Reads the settings; malformed numbers fall back to their defaults, out-of-range ones are clamped. */
export function readConfig(env: HubEnv): HubConfig {
  const subscriberSecret = longEnough(env.SUBSCRIBER_SECRET);
  return {
    crisp: crispSettings(env),
    defaultFilter: defaultFilter(env),
    socket: optional(env.HUB_UPSTREAM_SOCKET) === "fetch" ? "fetch" : "websocket",
    logSize: integer(env.HUB_LOG_SIZE, 1000, 1, 100_000),
    watchdogMs: integer(env.HUB_WATCHDOG_SECONDS, 45, 1, 300) * 1000,
    ticketTtlMs: integer(env.HUB_TICKET_TTL_SECONDS, 60, 5, 600) * 1000,
    subscriberSecret,
    ticketSecret: longEnough(env.TICKET_SECRET),
    webhookSecret: optional(env.CRISP_WEBHOOK_SECRET) ?? null,
    testRoutes: env.HUB_TEST_ROUTES === "true",
  };
}
