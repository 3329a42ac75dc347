import { RTMError, type RTMErrorCode, type RTMErrorDetails } from "../core/errors.js";
import { type Redactor, redactor } from "../core/redact.js";
import { type CrispTier, DEFAULT_REST_BASE } from "./discover.js";
import { parseUrl } from "./endpoint.js";
import { type CrispAnswer, crispGet, crispHeaders, reasonOf } from "./request.js";

/** A time window, in ms since the epoch (the shape of `rtm:ready`'s `downtime`). */
export interface RecoveryWindow {
  /** Messages strictly after this instant are recovered. */
  since: number;
  /** …up to this instant included; default: now. */
  until?: number;
}

/** What {@link recoverMessages} needs. */
export interface RecoverOptions {
  /** Token identifier. */
  identifier: string;
  /** Token key. */
  key: string;
  /** Token tier; default `"plugin"`. */
  tier?: CrispTier;
  /** REST base URL; default `https://api.crisp.chat/v1`. */
  restBase?: string;
  /** The window to recover (e.g. `rtm:ready`'s `downtime`). Top-level `since` / `until` are accepted too. */
  window?: RecoveryWindow;
  /** Same as `window.since`, when `window` is not given. */
  since?: number;
  /** Same as `window.until`, when `window` is not given. */
  until?: number;
  /**
   * Websites to recover. Default: the token's (plugin tier: its connected websites, listed page by page;
   * website tier: `websiteId`). Required for the user tier.
   */
  websites?: readonly string[];
  /** The website of a website-tier token, when `websites` is not given. */
  websiteId?: string;
  /** Stops the recovery: the iteration then throws `aborted`. */
  signal?: AbortSignal;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
  /** Requests in flight at most; default 4. */
  concurrency?: number;
  /** Requests allowed in all (retries included); past it the result is `truncated`. Default 500. */
  maxRequests?: number;
  /** Websites recovered at most (beyond: `truncated`); default 50. */
  maxWebsites?: number;
  /** Conversations recovered at most, the most recently updated first (beyond: `truncated`); default 200. */
  maxConversations?: number;
  /** Deadline of each request; default 10 000 ms. */
  timeoutMs?: number;
  /** Retries of a request answered 429 (after its `Retry-After`), 5xx or not at all; default 3. */
  maxRetries?: number;
}

/** A message as Crisp's REST API lists it: the same shape as a `message:send` / `message:received` payload. */
export interface RestMessage {
  website_id: string;
  session_id: string;
  fingerprint: number;
  timestamp: number;
  /** `"user"` (the visitor) or `"operator"`. */
  from: string;
  [field: string]: unknown;
}

/** One recovered message, as the event it would have been on the socket. */
export interface RestMessageEvent {
  name: "message:send" | "message:received";
  payload: RestMessage;
}

/** What a recovery did, complete once the iteration ends (readable during it too). */
export interface RecoveryResult {
  /** The window recovered. */
  since: number;
  until: number;
  /** Messages yielded. */
  count: number;
  /** True when a cap (`maxRequests`, `maxWebsites`, `maxConversations`) left part of the window unread. */
  truncated: boolean;
  /** REST requests made, retries included. */
  requests: number;
  /** Websites and conversations read. */
  websites: number;
  conversations: number;
}

/** The iterator {@link recoverMessages} returns: `for await` it, then read `result`. */
export interface Recovery<E = RestMessageEvent> extends AsyncGenerator<E, RecoveryResult, undefined> {
  /** What the recovery did; final once the iteration has ended. */
  readonly result: RecoveryResult;
}

/** A conversation to read: its website, session and last update. */
interface Conversation {
  w: string;
  s: string;
  updated: number;
}

/** Options after validation, as {@link runRecovery} takes them (`CrispRTM` builds them from its own options). */
export type RecoveryPlan = Required<
  Pick<RecoverOptions, "concurrency" | "maxRequests" | "maxWebsites" | "maxConversations" | "timeoutMs" | "maxRetries">
> & {
  /** The REST base, ending with `/`. */
  base: string;
  headers: Record<string, string>;
  /** Removes the token from the text a server sends back. */
  redact: Redactor;
  websites: readonly string[] | undefined;
  signal: AbortSignal | undefined;
  fetch: typeof fetch | undefined;
};

/** Conversations asked per page (Crisp's default page size). */
const PER_PAGE = 20;
/** Longest `Retry-After` waited for; a longer one fails the recovery with `rate_limited`. */
const MAX_RETRY_AFTER_MS = 60_000;

const invalid = (what: string): never => {
  throw new RTMError("invalid_options", `recoverMessages: ${what}`);
};

/** Sleeps `ms`, or rejects with `aborted` when `signal` aborts first (its listener goes when the recovery ends). */
const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(new RTMError("aborted", "recovery aborted"));
    });
  });

/** The caps and retries, with their defaults. */
const LIMITS = {
  concurrency: 4,
  maxRequests: 500,
  maxWebsites: 50,
  maxConversations: 200,
  timeoutMs: 10_000,
  maxRetries: 3,
};

/**
 * The caps and retries of `options`, validated (whole numbers >= 1, or >= 0 for `maxRetries`; the caps may be
 * Infinity), with their defaults.
 */
export function recoveryLimits(options: Partial<typeof LIMITS>): typeof LIMITS {
  const limits = { ...LIMITS };
  for (const name of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) {
    const value = options[name] ?? LIMITS[name];
    limits[name] =
      (Number.isInteger(value) && value >= +(name !== "maxRetries")) || (value === Infinity && name.startsWith("max"))
        ? value
        : invalid(`${name} must be a whole number (>= 1 but for maxRetries)`);
  }
  return limits;
}

/**
 * The messages Crisp received during a window, as the events they would have been on the socket
 * (`message:send` from the visitor, `message:received` from an operator), read over the REST API: the
 * websites of the token (or `websites`), the conversations of each, most recently updated first until older
 * than `since`, and the messages of each conversation after `since`, page by page. Each conversation's
 * messages are yielded together in time order. Throws `invalid_options` at once for bad options; the iteration
 * throws `unauthorized` (401), `forbidden_scope` (403: the token lacks a conversation read scope),
 * `rate_limited` (429 retries exhausted), `timeout`, `aborted` or `recovery_failed`. Hitting a cap is not an
 * error: the iteration ends and `result.truncated` is true. The token goes in headers only.
 */
export function recoverMessages(options: RecoverOptions): Recovery {
  if (!options || typeof options !== "object") invalid("options must be an object");
  const { identifier, key, tier = "plugin", websiteId } = options;
  if (typeof identifier !== "string" || !identifier || typeof key !== "string" || !key)
    invalid("identifier and key must be non-empty strings");
  if (!["plugin", "user", "website"].includes(tier)) invalid("tier must be plugin, user or website");
  const window = options.window ?? options;
  const since = window.since;
  const until = window.until ?? Date.now();
  if (!Number.isFinite(since) || !Number.isFinite(until) || (until as number) < (since as number)) {
    invalid("the window needs finite since <= until (ms since the epoch)");
  }
  let websites = options.websites;
  if (websites !== undefined && !(Array.isArray(websites) && websites.every((id) => typeof id === "string" && id))) {
    invalid("websites must be an array of website ids");
  }
  if (!websites && tier !== "plugin")
    websites = websiteId ? [websiteId] : invalid(`the ${tier} tier needs websites (or websiteId)`);
  const plan: RecoveryPlan = {
    ...recoveryLimits(options),
    base: parseUrl((options.restBase ?? DEFAULT_REST_BASE).replace(/\/*$/, "/"), "restBase").href,
    headers: crispHeaders(identifier, key, tier),
    redact: redactor(identifier, key),
    websites: websites && [...new Set(websites)],
    signal: options.signal,
    fetch: options.fetch,
  };
  return runRecovery(plan, since as number, until);
}

/** {@link recoverMessages} once its options are validated. */
export function runRecovery(plan: RecoveryPlan, since: number, until: number): Recovery {
  const result: RecoveryResult = {
    since,
    until,
    count: 0,
    truncated: false,
    requests: 0,
    websites: 0,
    conversations: 0,
  };
  return Object.assign(run(plan, result), { result });
}

async function* run(
  plan: RecoveryPlan,
  result: RecoveryResult,
): AsyncGenerator<RestMessageEvent, RecoveryResult, undefined> {
  const { since, until } = result;
  const stop = new AbortController();
  const signal = AbortSignal.any(plan.signal ? [plan.signal, stop.signal] : [stop.signal]);

  /** GETs a route; its `data` array, or undefined once the request budget is spent. */
  const get = async (path: string, query: Record<string, string>): Promise<unknown[] | undefined> => {
    const url = new URL(`${path}?${new URLSearchParams(query)}`, plan.base);
    for (let attempt = 0; ; attempt += 1) {
      if (result.requests >= plan.maxRequests) {
        result.truncated = true;
        return undefined;
      }
      result.requests += 1;
      const timeout = AbortSignal.timeout(plan.timeoutMs);
      let answer: CrispAnswer | undefined;
      try {
        answer = await crispGet(url, plan.headers, AbortSignal.any([signal, timeout]), plan.fetch);
      } catch (cause) {
        if (signal.aborted) throw new RTMError("aborted", "recovery aborted", { cause });
      }
      const { status = 0, body, retryAfterMs } = answer ?? {};
      const data = body?.data;
      if (status < 300 && Array.isArray(data)) return data;
      if (status === 404) return [];
      const code: RTMErrorCode =
        status === 401
          ? "unauthorized"
          : status === 403
            ? "forbidden_scope"
            : status === 429
              ? "rate_limited"
              : timeout.aborted
                ? "timeout"
                : "recovery_failed";
      const error = new RTMError(
        code,
        `recovery: GET ${url.pathname} ${status ? `answered ${status} ${reasonOf(body, plan.redact)}` : "got no answer"}${status === 403 ? " (no conversation read scope?)" : ""}`,
        { status: status || undefined, retryAfterMs } as RTMErrorDetails,
      );
      const wait = status === 429 ? (retryAfterMs ?? 1000) : 250 * 2 ** attempt;
      if ((status > 0 && status < 500 && status !== 429) || attempt >= plan.maxRetries || wait > MAX_RETRY_AFTER_MS)
        throw error;
      await sleep(wait, signal);
    }
  };

  /** Runs `task` over `items`, `plan.concurrency` at a time. */
  const each = async <T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> => {
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        next += 1;
        await task(items[next - 1] as T);
      }
    };
    await Promise.all(Array.from({ length: plan.concurrency }, worker));
  };

  try {
    let websites = plan.websites;
    if (!websites) {
      const listed = new Set<string>();
      for (let page = 1; listed.size <= plan.maxWebsites; page += 1) {
        const items = await get(`plugin/connect/websites/all/${page}`, { filter_configured: "0", include_plan: "0" });
        for (const item of items ?? []) {
          const id = (item as { website_id?: unknown } | null)?.website_id;
          if (typeof id === "string") listed.add(id);
        }
        if (!items?.length) break;
      }
      websites = [...listed];
    }
    result.truncated ||= websites.length > plan.maxWebsites;
    websites = websites.slice(0, plan.maxWebsites);
    result.websites = websites.length;

    // The conversations updated since `since`, most recent first, page by page until an older one.
    let conversations: Conversation[] = [];
    await each(websites, async (w) => {
      for (let page = 1, found = 0; found <= plan.maxConversations; page += 1) {
        const items = await get(`website/${encodeURIComponent(w)}/conversations/${page}`, {
          per_page: `${PER_PAGE}`,
          order_date_updated: "1",
        });
        for (const item of items ?? []) {
          const { session_id: s, updated_at: updated = Infinity } = (item ?? {}) as {
            session_id?: unknown;
            updated_at?: number;
          };
          if (updated < since) return;
          if (typeof s === "string") found = conversations.push({ w, s, updated });
        }
        if (!items || items.length < PER_PAGE) return;
      }
    });
    result.truncated ||= conversations.length > plan.maxConversations;
    conversations = conversations.sort((a, b) => b.updated - a.updated).slice(0, plan.maxConversations);
    result.conversations = conversations.length;

    // Their messages after `since`: each answer is one page, asked again from its last timestamp until nothing
    // newer is in the window.
    const batches: RestMessage[][] = [];
    await each(conversations, async ({ w, s, updated }) => {
      const found = new Map<unknown, RestMessage>();
      for (let after = since; ; ) {
        const items = await get(`website/${encodeURIComponent(w)}/conversation/${encodeURIComponent(s)}/messages`, {
          timestamp_after: `${after}`,
        });
        let last = after;
        for (const item of (items ?? []) as RestMessage[]) {
          const time = item?.timestamp;
          if (typeof time !== "number" || item.fingerprint == null) continue;
          last = Math.max(last, time);
          if (time <= since || time > until) continue;
          item.website_id ??= w;
          item.session_id ??= s;
          found.set(item.fingerprint, item);
        }
        if (last <= after || last >= until || last >= updated) break;
        after = last;
      }
      batches.push([...found.values()].sort((a, b) => a.timestamp - b.timestamp));
    });
    for (const payload of batches.flat()) {
      result.count += 1;
      yield { name: payload.from === "user" ? "message:send" : "message:received", payload };
    }
    return result;
  } finally {
    stop.abort();
  }
}
