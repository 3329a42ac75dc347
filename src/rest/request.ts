import { basicAuth, type Redactor } from "../core/redact.js";
import type { CrispTier } from "./discover.js";

/**
 * The headers of every Crisp REST request: HTTP Basic credentials (UTF-8 safe without Node's `Buffer`; in a
 * header, never in the URL) and the token's tier.
 */
export function crispHeaders(identifier: string, key: string, tier: CrispTier): Record<string, string> {
  return {
    Authorization: `Basic ${basicAuth(identifier, key)}`,
    "X-Crisp-Tier": tier,
    Accept: "application/json",
  };
}

/**
 * How long a 429 asks to wait, in ms: `Retry-After` is delta seconds or an HTTP date. Undefined when the header
 * is absent or unreadable.
 */
function retryAfterMs(response: Response): number | undefined {
  const after = (response.headers.get("Retry-After") ?? "").trim();
  const ms = /^\d+(\.\d+)?$/.test(after) ? Number(after) * 1000 : Date.parse(after) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.max(0, Math.round(ms));
}

/** Crisp's envelope, as far as it is read here; any field may be missing or of another type. */
export interface CrispEnvelope {
  reason?: unknown;
  data?: unknown;
}

/** One answer of Crisp's REST API, read whatever its status. */
export interface CrispAnswer {
  /** HTTP status. */
  status: number;
  /** The parsed JSON body, or undefined when it is not JSON. */
  body: CrispEnvelope | undefined;
  /** From `Retry-After` (for a 429). */
  retryAfterMs: number | undefined;
}

/**
 * GETs `url` with the token's headers; resolves with the answer whatever its status, and rejects only when no
 * answer came (network error, abort, timeout: the `fetch` error as it is).
 */
export async function crispGet(
  url: URL,
  headers: Record<string, string>,
  signal: AbortSignal,
  fetchImpl: typeof fetch = fetch,
): Promise<CrispAnswer> {
  const response = await fetchImpl(url.href, { headers, signal });
  const text = await response.text();
  let body: CrispEnvelope | undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: no envelope.
  }
  return { status: response.status, body, retryAfterMs: retryAfterMs(response) };
}

/** The envelope's `reason` when it is a string, with the credentials redacted, cut to 200 characters; else `""`. */
export const reasonOf = (body: CrispEnvelope | undefined, redact: Redactor): string =>
  typeof body?.reason === "string" ? redact(body.reason).slice(0, 200) : "";
