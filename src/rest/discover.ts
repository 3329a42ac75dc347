import { RTMError } from "../core/errors.js";
import { basicAuthorization } from "./basic-auth.js";
import { createDeadline } from "./deadline.js";
import { assertSecureUrl, parseSocketEndpoint, type SocketEndpoint } from "./endpoint.js";
import { parseRetryAfter } from "./retry-after.js";

/** The token tiers Crisp knows. */
export type CrispTier = "plugin" | "user" | "website";

/** Crisp's public REST base. */
export const DEFAULT_REST_BASE = "https://api.crisp.chat/v1";

/** What {@link discoverEndpoint} needs. */
export interface DiscoveryOptions {
  /** Token identifier. */
  identifier: string;
  /** Token key. */
  key: string;
  /** Token tier; default `"plugin"`. */
  tier?: CrispTier;
  /** Website id, required for the `website` tier. */
  websiteId?: string;
  /** REST base URL; default {@link DEFAULT_REST_BASE}. */
  restBase?: string;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Aborts the request (the promise then rejects with `aborted`). */
  signal?: AbortSignal;
  /** Request timeout; default 10 000 ms, like Crisp's own client. */
  timeoutMs?: number;
}

/** The RTM endpoint Crisp assigned, and the fallback host when Crisp gave one. */
export interface DiscoveredEndpoint {
  /** Where to connect (`data.socket.app`). */
  socket: SocketEndpoint;
  /** Fallback host (`data.rescue.socket.app`), when present. */
  rescue?: SocketEndpoint;
}

/** Builds the discovery URL for a tier: `{restBase}/{tier}/connect/endpoints` (website tier: with its id). */
export function discoveryUrl(restBase: string, tier: CrispTier, websiteId?: string): URL {
  const base = restBase.replace(/\/+$/, "");
  const route =
    tier === "website" ? `website/${encodeURIComponent(websiteId ?? "")}/connect/endpoints` : `${tier}/connect/endpoints`;
  let url: URL;
  try {
    url = new URL(`${base}/${route}`);
  } catch (cause) {
    throw new RTMError("invalid_options", "restBase is not a valid URL", { cause });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new RTMError("invalid_options", `restBase must use https: (got ${url.protocol})`);
  }
  assertSecureUrl(url, "restBase");
  return url;
}

/**
 * Asks Crisp's REST API where to connect (one request, no retry). Rejects with an {@link RTMError}:
 * `unauthorized` (401/403), `rate_limited` (429/420, with `retryAfterMs`), `timeout`, `aborted`,
 * `insecure_endpoint` (a plaintext endpoint to a remote host) or `discovery_failed` (5xx, network,
 * malformed body).
 */
export async function discoverEndpoint(options: DiscoveryOptions): Promise<DiscoveredEndpoint> {
  const tier = options.tier ?? "plugin";
  if (tier === "website" && !options.websiteId) {
    throw new RTMError("invalid_options", "the website tier needs websiteId");
  }
  const url = discoveryUrl(options.restBase ?? DEFAULT_REST_BASE, tier, options.websiteId);
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const deadline = createDeadline(options.timeoutMs ?? 10_000, options.signal);
  let response: Response;
  let body: unknown;
  try {
    response = await doFetch(url.href, {
      method: "GET",
      headers: {
        Authorization: basicAuthorization(options.identifier, options.key),
        "X-Crisp-Tier": tier,
        Accept: "application/json",
      },
      signal: deadline.signal,
    });
    body = await readJson(response);
  } catch (cause) {
    if (options.signal?.aborted) throw new RTMError("aborted", "endpoint discovery was aborted", { cause });
    if (deadline.timedOut) throw new RTMError("timeout", `endpoint discovery timed out (${url.host})`, { cause });
    throw new RTMError("discovery_failed", `endpoint discovery failed: network error reaching ${url.host}`, { cause });
  } finally {
    deadline.dispose();
  }
  return interpret(response, body);
}

const NOT_JSON = Symbol("not json");

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function reasonOf(body: unknown): string {
  if (body && typeof body === "object" && "reason" in body && typeof body.reason === "string") {
    return body.reason.slice(0, 200);
  }
  return "no reason given";
}

function interpret(response: Response, body: unknown): DiscoveredEndpoint {
  const status = response.status;
  if (status === 401 || status === 403) {
    throw new RTMError("unauthorized", `Crisp refused the token (${status}: ${reasonOf(body)})`, { status });
  }
  if (status === 429 || status === 420) {
    const retryAfterMs = parseRetryAfter(response.headers.get("Retry-After"));
    const details = retryAfterMs === undefined ? { status } : { status, retryAfterMs };
    throw new RTMError("rate_limited", `Crisp is rate limiting endpoint discovery (${status})`, details);
  }
  if (status >= 400) {
    throw new RTMError("discovery_failed", `endpoint discovery failed with HTTP ${status}: ${reasonOf(body)}`, {
      status,
    });
  }
  if (body === NOT_JSON) {
    throw new RTMError("discovery_failed", "endpoint discovery answered a body that is not JSON", { status });
  }
  const app = pick(body, "data", "socket", "app");
  if (typeof app !== "string" || app === "") {
    throw new RTMError("discovery_failed", "endpoint discovery answered no data.socket.app", { status });
  }
  const socket = parseSocketEndpoint(app, "discovered endpoint");
  const rescueApp = pick(body, "data", "rescue", "socket", "app");
  if (typeof rescueApp !== "string" || rescueApp === "") return { socket };
  try {
    return { socket, rescue: parseSocketEndpoint(rescueApp, "rescue endpoint") };
  } catch {
    return { socket };
  }
}

function pick(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (!current || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
