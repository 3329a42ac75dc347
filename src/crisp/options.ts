import { RTMError } from "../core/errors.js";
import { DEFAULT_REST_BASE, discoveryUrl } from "../rest/discover.js";
import { parseSocketEndpoint, type SocketEndpoint } from "../rest/endpoint.js";
import type { BackoffPolicy } from "../socketio/backoff.js";
import type { WebSocketConstructor } from "../socketio/websocket-constructor.js";
import type { RTMEventName, RTMTier } from "./catalog.js";
import type { RTMLogger } from "./logger.js";

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
  /** Receives diagnostics (never containing the token). */
  logger?: RTMLogger;
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
  reconnect: (BackoffPolicy & { maxAttempts: number; stableAfterMs: number }) | false;
  authTimeoutMs: number;
  connectTimeoutMs: number;
  discoveryTimeoutMs: number;
  bindIntervalMs: number;
  maxPayloadLength: number;
  signal: AbortSignal | undefined;
  WebSocket: WebSocketConstructor | undefined;
  fetch: typeof fetch | undefined;
  logger: RTMLogger | undefined;
}

const TIERS: readonly RTMTier[] = ["plugin", "user", "website"];

function invalid(message: string): RTMError {
  return new RTMError("invalid_options", message);
}

function nonEmptyString(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw invalid(`${name} must be a non-empty string`);
  return value;
}

function duration(value: unknown, name: string, fallback: number, allowInfinity = false): number {
  if (value === undefined) return fallback;
  const ok = typeof value === "number" && value >= 0 && (Number.isFinite(value) || (allowInfinity && value === Infinity));
  if (!ok) throw invalid(`${name} must be a non-negative number`);
  return value;
}

/** Validates an optional list of non-empty strings (deduplicated); throws `invalid_options` naming it. */
export function stringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) {
    throw invalid(`${name} must be an array of non-empty strings`);
  }
  return [...new Set(value as string[])];
}

function resolveReconnect(value: unknown): ResolvedOptions["reconnect"] {
  if (value === false) return false;
  if (value !== undefined && (typeof value !== "object" || value === null)) {
    throw invalid("reconnect must be false or an object");
  }
  const options = (value ?? {}) as ReconnectOptions;
  const policy = {
    initialDelayMs: duration(options.initialDelayMs, "reconnect.initialDelayMs", 1000),
    maxDelayMs: duration(options.maxDelayMs, "reconnect.maxDelayMs", 30_000),
    jitter: duration(options.jitter, "reconnect.jitter", 0.5),
    factor: duration(options.factor, "reconnect.factor", 2),
    maxAttempts: duration(options.maxAttempts, "reconnect.maxAttempts", Infinity, true),
    stableAfterMs: duration(options.stableAfterMs, "reconnect.stableAfterMs", 5000),
  };
  if (policy.jitter > 1) throw invalid("reconnect.jitter must be between 0 and 1");
  if (policy.factor < 1) throw invalid("reconnect.factor must be at least 1");
  if (policy.maxAttempts < 1) throw invalid("reconnect.maxAttempts must be at least 1");
  if (policy.maxDelayMs < policy.initialDelayMs) throw invalid("reconnect.maxDelayMs must be >= initialDelayMs");
  return policy;
}

function optionalFunction<T>(value: unknown, name: string): T | undefined {
  if (value !== undefined && typeof value !== "function") throw invalid(`${name} must be a function`);
  return value as T | undefined;
}

/** Validates user options; throws `invalid_options` (or `insecure_endpoint`) naming the faulty option. */
export function resolveOptions(input: CrispRTMOptions): ResolvedOptions {
  if (!input || typeof input !== "object") throw invalid("options must be an object");
  const tier = input.tier ?? "plugin";
  if (!TIERS.includes(tier)) throw invalid(`tier must be one of ${TIERS.join(", ")}`);
  const websiteId = input.websiteId === undefined ? undefined : nonEmptyString(input.websiteId, "websiteId");
  if (tier === "website" && websiteId === undefined) throw invalid("the website tier needs websiteId");
  const restBase = input.restBase === undefined ? DEFAULT_REST_BASE : nonEmptyString(input.restBase, "restBase");
  discoveryUrl(restBase, tier, websiteId);
  const signal = input.signal;
  if (signal !== undefined && !(typeof signal === "object" && signal !== null && "aborted" in signal)) {
    throw invalid("signal must be an AbortSignal");
  }
  return {
    identifier: nonEmptyString(input.identifier, "identifier"),
    key: nonEmptyString(input.key, "key"),
    tier,
    websiteId,
    events: stringList(input.events, "events"),
    rooms: stringList(input.rooms, "rooms"),
    endpoint: input.endpoint === undefined ? undefined : parseSocketEndpoint(nonEmptyString(input.endpoint, "endpoint")),
    restBase,
    reconnect: resolveReconnect(input.reconnect),
    authTimeoutMs: duration(input.authTimeoutMs, "authTimeoutMs", 10_000),
    connectTimeoutMs: duration(input.connectTimeoutMs, "connectTimeoutMs", 10_000),
    discoveryTimeoutMs: duration(input.discoveryTimeoutMs, "discoveryTimeoutMs", 10_000),
    bindIntervalMs: duration(input.bindIntervalMs, "bindIntervalMs", 2500),
    maxPayloadLength: duration(input.maxPayloadLength, "maxPayloadLength", 1_000_000),
    signal,
    WebSocket: optionalFunction<WebSocketConstructor>(input.WebSocket, "WebSocket"),
    fetch: optionalFunction<typeof fetch>(input.fetch, "fetch"),
    logger: optionalFunction<RTMLogger>(input.logger, "logger"),
  };
}
