import { RTMError } from "../core/errors.js";
import { DEFAULT_REST_BASE, discoveryUrl } from "../rest/discover.js";
import { parseSocketEndpoint, type SocketEndpoint } from "../rest/endpoint.js";
import type { RecoverOptions } from "../rest/recover.js";
import type { WebSocketConstructor } from "../socketio/websocket-constructor.js";
import type { RTMEventName, RTMTier } from "./catalog.js";
import type { RetryPolicy } from "./retry.js";

/** How the client reconnects. Every field is optional. */
export interface ReconnectOptions {
  /** Delay before the second attempt (the first retry is immediate); default 1000 ms. */
  initialDelayMs?: number;
  /** Cap of the delay; default 30 000 ms. */
  maxDelayMs?: number;
  /** Each delay is scaled by a random factor in [1 - jitter, 1 + jitter]; default 0.5. */
  jitter?: number;
  /** Growth factor; default 2. */
  factor?: number;
  /** Give up after this many failed attempts in a row; default Infinity. */
  maxAttempts?: number;
  /**
   * A session must stay ready this long for its loss to count as a fresh start (next retry immediate);
   * a session lost sooner counts as one more failure, so a server that kicks right after authentication
   * meets a growing delay instead of a reconnect storm. Default 5000 ms.
   */
  stableAfterMs?: number;
}

/** The `recover` option: what to read back over REST after a reconnect (see README, Recovery), and its caps. */
export type RecoverClientOptions = { messages: boolean } & Pick<
  RecoverOptions,
  "concurrency" | "maxRequests" | "maxWebsites" | "maxConversations"
>;

/** Options of {@link CrispRTM}. */
export interface CrispRTMOptions {
  /** Token identifier. */
  identifier: string;
  /** Token key. */
  key: string;
  /** Token tier; default `"plugin"`. */
  tier?: RTMTier;
  /** Website id, required for the `website` tier. */
  websiteId?: string;
  /** Event names to receive; default: the names that have listeners (all of the tier for a `*` listener). */
  events?: readonly (RTMEventName | (string & {}))[];
  /** Website ids to receive events from; default: every website of the token. */
  rooms?: readonly string[];
  /** Explicit RTM URL (e.g. `wss://app.relay.crisp.chat/p/68/`): skips REST discovery. */
  endpoint?: string;
  /** REST base; default `https://api.crisp.chat/v1`. */
  restBase?: string;
  /** `false` to never reconnect, or the schedule. */
  reconnect?: false | ReconnectOptions;
  /** Deadline for `authenticated` / `unauthorized` after authenticating; default 10 000 ms. */
  authTimeoutMs?: number;
  /**
   * Deadline of the first connection: past it, `connect()` rejects with the last failure's error and the client
   * closes (so a wrong `restBase` or an untrusted certificate never hangs silently). Once ready, reconnection is
   * patient. Default 30 000 ms; `Infinity` waits forever.
   */
  firstConnectTimeoutMs?: number;
  /** Deadline for the WebSocket handshake and for the namespace CONNECT reply, each; default 10 000 ms. */
  connectTimeoutMs?: number;
  /** Deadline of one REST discovery request; default 10 000 ms. */
  discoveryTimeoutMs?: number;
  /** Minimum spacing of `socket:bind` messages (closer calls are coalesced); default 2500 ms. */
  bindIntervalMs?: number;
  /** Largest frame accepted from the server, in characters; larger ones end the session; default 1 000 000. */
  maxPayloadLength?: number;
  /** Closes the client when aborted. */
  signal?: AbortSignal;
  /** WebSocket implementation; default `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
  /** fetch implementation; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** `{ messages: true }`: after a reconnect, read the downtime's messages back over REST (see README, Recovery). */
  recover?: RecoverClientOptions;
}

/** Options after validation, with every default applied. */
export interface ResolvedOptions {
  identifier: string;
  key: string;
  tier: RTMTier;
  websiteId: string | undefined;
  events: string[] | undefined;
  rooms: string[] | undefined;
  endpoint: SocketEndpoint | undefined;
  restBase: string;
  reconnect: RetryPolicy | false;
  authTimeoutMs: number;
  firstConnectTimeoutMs: number;
  connectTimeoutMs: number;
  discoveryTimeoutMs: number;
  bindIntervalMs: number;
  maxPayloadLength: number;
  signal: AbortSignal | undefined;
  WebSocket: WebSocketConstructor | undefined;
  fetch: typeof fetch | undefined;
  recover: RecoverClientOptions | undefined;
}

const TIERS: readonly RTMTier[] = ["plugin", "user", "website"];

/** Checks one option's value (`name` is how messages call it) and returns the value to keep. */
type Rule = (value: unknown, name: string) => unknown;

/** Throws `invalid_options`: "`name` must be `what`". */
const fail = (name: string, what: string): never => {
  throw new RTMError("invalid_options", `${name} must be ${what}`);
};

/** `rule`, except that an absent option (`undefined`) becomes `fallback`. */
const optional =
  (rule: Rule, fallback?: unknown): Rule =>
  (value, name) =>
    value === undefined ? fallback : rule(value, name);

/** A non-empty string. */
const string: Rule = (value, name) =>
  typeof value === "string" && value.trim() ? value : fail(name, "a non-empty string");

/** An optional function. */
const func = optional((value, name) => (typeof value === "function" ? value : fail(name, "a function")));

/** A number in [min, max], `fallback` when absent; Infinity only where `infinite` (default: where it is the default). */
const number = (fallback: number, min = 0, max = Infinity, infinite = fallback === Infinity): Rule =>
  optional(
    (value, name) =>
      typeof value === "number" && value >= min && value <= max && (value < Infinity || infinite)
        ? value
        : fail(name, `a number >= ${min}${max < Infinity ? ` and <= ${max}` : ""}`),
    fallback,
  );

/** Validates an optional list of non-empty strings (deduplicated); throws `invalid_options` naming it. */
export function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) && value.every((item) => typeof item === "string" && item)
    ? [...new Set(value as string[])]
    : fail(name, "an array of non-empty strings");
}

/**
 * Applies `rules` to the same-named properties of `input`, which must be an object (else `name must be {what}`);
 * a property no rule knows (a misspelling) is refused rather than silently ignored.
 */
function check(
  input: unknown,
  rules: Record<string, Rule>,
  name: string,
  prefix = "",
  what = "an object",
): Record<string, unknown> {
  if (!input || typeof input !== "object") fail(name, what);
  for (const key of Object.keys(input as object)) {
    if (!Object.hasOwn(rules, key)) throw new RTMError("invalid_options", `unknown option ${prefix}${key}`);
  }
  const resolved: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules))
    resolved[key] = rule((input as Record<string, unknown>)[key], prefix + key);
  return resolved;
}

/** The rules of the `reconnect` object's fields, with their defaults. */
const RECONNECT: { [K in keyof ReconnectOptions]-?: Rule } = {
  initialDelayMs: number(1000),
  maxDelayMs: number(30_000),
  jitter: number(0.5, 0, 1),
  factor: number(2, 1),
  maxAttempts: number(Infinity, 1),
  stableAfterMs: number(5000),
};

/** The rule of each option, with its default; cross-option checks are in {@link resolveOptions}. */
const OPTIONS: { [K in keyof ResolvedOptions]: Rule } = {
  identifier: string,
  key: string,
  tier: (value = "plugin", name) =>
    TIERS.includes(value as RTMTier) ? value : fail(name, `one of ${TIERS.join(", ")}`),
  websiteId: optional(string),
  restBase: optional(string, DEFAULT_REST_BASE),
  events: stringList,
  rooms: stringList,
  endpoint: optional((value, name) => parseSocketEndpoint(string(value, name) as string, name)),
  reconnect: (value, name) => {
    if (value === false) return false;
    const policy = check(
      value === undefined ? {} : value,
      RECONNECT,
      name,
      `${name}.`,
      "false or an object",
    ) as ResolvedOptions["reconnect"] & object;
    return policy.maxDelayMs < policy.initialDelayMs ? fail("reconnect.maxDelayMs", ">= initialDelayMs") : policy;
  },
  authTimeoutMs: number(10_000),
  firstConnectTimeoutMs: number(30_000, 0, Infinity, true),
  connectTimeoutMs: number(10_000),
  discoveryTimeoutMs: number(10_000),
  bindIntervalMs: number(2500),
  maxPayloadLength: number(1_000_000),
  signal: optional((value, name) =>
    typeof value === "object" && value && "aborted" in value ? value : fail(name, "an AbortSignal"),
  ),
  WebSocket: func,
  fetch: func,
  recover: optional((value, name) =>
    typeof (value as RecoverClientOptions)?.messages === "boolean" ? value : fail(name, "{ messages: boolean }"),
  ),
};

/** Validates user options; throws `invalid_options` (or `insecure_endpoint`) naming the faulty option. */
export function resolveOptions(input: CrispRTMOptions): ResolvedOptions {
  const options = check(input, OPTIONS, "options") as unknown as ResolvedOptions;
  if (options.tier === "website" && !options.websiteId)
    throw new RTMError("invalid_options", "the website tier needs websiteId");
  discoveryUrl(options.restBase, options.tier, options.websiteId);
  return options;
}
