import { isTlsTrustFailure, RTMError, type RTMErrorCode, type RTMErrorDetails, UNTRUSTED } from "../core/errors.js";
import { redactor } from "../core/redact.js";
import { parseSocketEndpoint, parseUrl, type SocketEndpoint } from "./endpoint.js";
import { type CrispAnswer, crispGet, crispHeaders, reasonOf } from "./request.js";

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
  /** REST base URL; default `https://api.crisp.chat/v1` (Crisp's own). */
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

/** The parts of a discovery answer read here; any of them may be missing or of another type. */
interface Answer {
  reason?: unknown;
  data?: { socket?: { app?: unknown }; rescue?: { socket?: { app?: unknown } } };
}

/** Builds the discovery URL for a tier: `{restBase}/{tier}/connect/endpoints` (website tier: with its id). */
export function discoveryUrl(restBase: string, tier: CrispTier, websiteId?: string): URL {
  const route = tier === "website" ? `website/${encodeURIComponent(websiteId ?? "")}` : tier;
  return parseUrl(`${restBase.replace(/\/+$/, "")}/${route}/connect/endpoints`, "restBase");
}

/** `value` when it is a string, else `""`. */
const text = (value: unknown): string => (typeof value === "string" ? value : "");

/**
 * Asks Crisp's REST API where to connect (one request, no retry). Rejects with an {@link RTMError}:
 * `unauthorized` (401/403), `rate_limited` (429/420, with `retryAfterMs`), `timeout`, `aborted`,
 * `insecure_endpoint` (a plaintext endpoint to a remote host) or `discovery_failed` (5xx, network,
 * malformed body).
 */
export async function discoverEndpoint(options: DiscoveryOptions): Promise<DiscoveredEndpoint> {
  const { tier = "plugin", websiteId, signal } = options;
  if (tier === "website" && !websiteId) throw new RTMError("invalid_options", "the website tier needs websiteId");
  const url = discoveryUrl(options.restBase ?? DEFAULT_REST_BASE, tier, websiteId);
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const failed = "endpoint discovery failed";
  let answer: CrispAnswer;
  try {
    answer = await crispGet(
      url,
      crispHeaders(options.identifier, options.key, tier),
      signal ? AbortSignal.any([signal, timeout]) : timeout,
      options.fetch,
    );
  } catch (cause) {
    const failure = (code: RTMErrorCode, what: string) =>
      new RTMError(code, `endpoint discovery ${what} (${url.host})`, { cause });
    throw signal?.aborted
      ? failure("aborted", "was aborted")
      : timeout.aborted
        ? failure("timeout", "timed out")
        : failure("discovery_failed", `failed: ${isTlsTrustFailure(cause) ? UNTRUSTED : "network error"}`);
  }
  const { status, retryAfterMs } = answer;
  const body = answer.body as Answer | undefined;
  // A server or proxy may echo the credentials back: they never reach the message.
  const reason = reasonOf(body, redactor(options.identifier, options.key)) || "no reason given";
  const fail = (code: RTMErrorCode, what: string, detail = reason, retryAfterMs?: number) =>
    new RTMError(code, `${what} (HTTP ${status}: ${detail})`, { status, retryAfterMs } as RTMErrorDetails);
  if (status === 401 || status === 403) throw fail("unauthorized", "Crisp refused the token");
  if (status === 429 || status === 420)
    throw fail("rate_limited", "endpoint discovery rate limited", reason, retryAfterMs);
  if (status >= 400) throw fail("discovery_failed", failed);
  const app = text(body?.data?.socket?.app);
  if (!app) throw fail("discovery_failed", failed, body === undefined ? "the body is not JSON" : "no data.socket.app");
  const socket = parseSocketEndpoint(app, "discovered endpoint");
  try {
    return { socket, rescue: parseSocketEndpoint(text(body?.data?.rescue?.socket?.app), "rescue endpoint") };
  } catch {
    return { socket };
  }
}
