// @ts-check
/**
 * The REST side: Crisp's `connect/endpoints` discovery routes and the history routes (connected websites,
 * conversations, messages; see history.js), with switchable fault modes applied to all of them.
 */
import { WEBSITES_PAGE } from "./history.js";
import { CORS_HEADERS, sendJson } from "./http-util.js";

/** @typedef {import("node:http").IncomingMessage} IncomingMessage */
/** @typedef {import("node:http").ServerResponse} ServerResponse */
/** @typedef {import("./tokens.js").TokenRegistry} TokenRegistry */
/** @typedef {import("./journal.js").Journal} Journal */
/** @typedef {import("./journal.js").RestRecord} RestRecord */
/** @typedef {import("./history.js").History} History */

/**
 * @typedef {"ok" | "401" | "403" | "429" | "500" | "503" | "timeout" | "invalid-json" | "missing-app" | "rescue"} RestMode
 */

/** Every REST fault mode. */
export const REST_MODES = Object.freeze(
  /** @type {RestMode[]} */ ([
    "ok",
    "401",
    "403",
    "429",
    "500",
    "503",
    "timeout",
    "invalid-json",
    "missing-app",
    "rescue",
  ]),
);

/** Modes that replace a successful answer (applied only to requests that would succeed). */
const SUCCESS_MODES = new Set(["missing-app", "rescue"]);

/** @type {Record<string, [number, string]>} */
const ERROR_MODES = {
  401: [401, "invalid_session"],
  403: [403, "not_allowed"],
  429: [429, "rate_limited"],
  500: [500, "internal_error"],
  503: [503, "service_unavailable"],
};

/**
 * The REST fault state.
 * @typedef {object} RestFaultState
 * @property {RestMode} mode
 * @property {number | null} remaining Requests left before reverting to ok (null = until reset).
 * @property {number} retryAfter Seconds sent in `Retry-After` with 429.
 */

/** The current REST fault mode and how many more requests it applies to. */
export class RestFaults {
  constructor() {
    /** @type {RestFaultState} */
    this.state = { mode: "ok", remaining: null, retryAfter: 1 };
    /** A hostile server: error `reason`s repeat the request's Authorization header and its decoded credentials. */
    this.echoCredentials = false;
  }

  /**
   * @param {RestMode} mode
   * @param {number | null} count Apply to the next `count` requests, or null for until reset.
   * @param {number} retryAfter
   */
  set(mode, count, retryAfter) {
    this.state = { mode, remaining: mode === "ok" ? null : count, retryAfter };
  }

  /**
   * Returns the mode when it belongs to `kind` and consumes one use of it, else null.
   * @param {"error" | "success"} kind
   * @returns {RestMode | null}
   */
  take(kind) {
    const { mode } = this.state;
    if (mode === "ok" || SUCCESS_MODES.has(mode) !== (kind === "success")) return null;
    if (this.state.remaining !== null) {
      this.state.remaining -= 1;
      if (this.state.remaining <= 0) this.state = { mode: "ok", remaining: null, retryAfter: this.state.retryAfter };
    }
    return mode;
  }
}

/**
 * @param {string | undefined} header
 * @returns {{ identifier: string, key: string } | null}
 */
function basicCredentials(header) {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? "");
  if (!match) return null;
  const decoded = Buffer.from(/** @type {string} */ (match[1]), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? null : { identifier: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

/**
 * A matched route: discovery (`endpoints`) or a history listing, the tier it belongs to, its website and the
 * rest of its parameters.
 * @typedef {object} Route
 * @property {"endpoints" | "websites" | "conversations" | "messages"} kind
 * @property {"plugin" | "user" | "website"} tier
 * @property {string | null} websiteId
 * @property {number} page For the paged listings, from 1.
 * @property {string | null} sessionId For `messages`.
 */

/**
 * @param {string} pathname
 * @returns {Route | null}
 */
function matchRoute(pathname) {
  const part = (/** @type {string | undefined} */ value) => decodeURIComponent(value ?? "");
  const tierRoute = /^\/v1\/(plugin|user)\/connect\/endpoints\/?$/.exec(pathname);
  if (tierRoute)
    return {
      kind: "endpoints",
      tier: /** @type {"plugin" | "user"} */ (tierRoute[1]),
      websiteId: null,
      page: 1,
      sessionId: null,
    };
  const websiteRoute = /^\/v1\/website\/([^/]+)\/connect\/endpoints\/?$/.exec(pathname);
  if (websiteRoute)
    return { kind: "endpoints", tier: "website", websiteId: part(websiteRoute[1]), page: 1, sessionId: null };
  const websites = /^\/v1\/plugin\/connect\/websites\/all\/([1-9]\d{0,5})\/?$/.exec(pathname);
  if (websites)
    return { kind: "websites", tier: "plugin", websiteId: null, page: Number(websites[1]), sessionId: null };
  const conversations = /^\/v1\/website\/([^/]+)\/conversations\/([1-9]\d{0,5})\/?$/.exec(pathname);
  if (conversations)
    return {
      kind: "conversations",
      tier: "website",
      websiteId: part(conversations[1]),
      page: Number(conversations[2]),
      sessionId: null,
    };
  const messages = /^\/v1\/website\/([^/]+)\/conversation\/([^/]+)\/messages\/?$/.exec(pathname);
  if (messages)
    return { kind: "messages", tier: "website", websiteId: part(messages[1]), page: 1, sessionId: part(messages[2]) };
  return null;
}

/** Answers `/v1/...` requests. */
export class RestRoutes {
  /**
   * @param {object} options
   * @param {TokenRegistry} options.registry
   * @param {Journal} options.journal
   * @param {History} options.history
   * @param {RestFaults} options.faults
   * @param {{ rtmUrl: string, rescueUrl: string | null, deadUrl: string }} options.urls
   * @param {(line: string) => void} options.log
   */
  constructor({ registry, journal, history, faults, urls, log }) {
    this.registry = registry;
    this.history = history;
    this.journal = journal;
    this.faults = faults;
    this.urls = urls;
    this.log = log;
    /** @type {Set<ServerResponse>} responses held by the `timeout` mode */
    this.held = new Set();
  }

  /**
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {URL} url
   */
  handle(req, res, url) {
    this.journal.count("restRequests");
    const route = req.method === "GET" ? matchRoute(url.pathname) : null;
    const tierHeader = req.headers["x-crisp-tier"];
    const tier = typeof tierHeader === "string" ? tierHeader : null;
    const credentials = basicCredentials(req.headers.authorization);
    /** @type {RestRecord} */
    const record = {
      at: Date.now(),
      method: req.method ?? "",
      path: url.pathname,
      route: route === null ? null : route.kind === "endpoints" ? route.tier : route.kind,
      tier,
      identifier: credentials?.identifier ?? null,
      status: null,
      fault: null,
    };
    /**
     * @param {number} status
     * @param {unknown} body
     * @param {Record<string, string>} [headers]
     */
    const answer = (status, body, headers) => {
      record.status = status;
      this.journal.rest(record);
      this.log(
        `rest ${record.method} ${record.path} tier=${tier ?? "-"} id=${record.identifier ?? "-"} → ${status}${record.fault ? ` (fault ${record.fault})` : ""}`,
      );
      sendJson(res, status, body, headers);
    };
    /** @param {number} status @param {string} reason @param {Record<string, string>} [headers] */
    const fail = (status, reason, headers) => {
      const echo = this.faults.echoCredentials
        ? ` (${req.headers.authorization} = ${credentials?.identifier}:${credentials?.key})`
        : "";
      answer(status, { error: true, reason: reason + echo, data: {} }, headers);
    };

    if (route === null) return fail(404, "not_found");
    const fault = this.faults.take("error");
    if (fault !== null) {
      record.fault = fault;
      return this.applyErrorFault(fault, req, res, record, fail);
    }
    if (tier === null) return fail(400, "missing_tier");
    if (route.tier !== "website" && tier !== route.tier) return fail(400, "invalid_tier");
    const token = credentials && this.registry.verify(credentials.identifier, credentials.key);
    if (!token || token.tier !== tier) return fail(401, "invalid_session");
    if (route.websiteId !== null && !this.registry.owns(token, route.websiteId)) return fail(403, "not_allowed");
    if (route.kind !== "endpoints") return this.answerHistory(route, token, url.searchParams, answer);

    const success = this.faults.take("success");
    record.fault = success;
    if (success === "missing-app") return answer(200, { error: false, reason: "resolved", data: { socket: {} } });
    if (success === "rescue") {
      return answer(200, {
        error: false,
        reason: "resolved",
        data: { socket: { app: this.urls.deadUrl }, rescue: { socket: { app: this.urls.rtmUrl } } },
      });
    }
    /** @type {Record<string, unknown>} */
    const data = { socket: { app: this.urls.rtmUrl } };
    if (this.urls.rescueUrl !== null) data.rescue = { socket: { app: this.urls.rescueUrl } };
    return answer(200, { error: false, reason: "resolved", data });
  }

  /**
   * Answers a history route in Crisp's envelope (`data` is always an array; past the end it is empty).
   * @param {Route} route
   * @param {import("./tokens.js").Token} token
   * @param {URLSearchParams} query
   * @param {(status: number, body: unknown) => void} answer
   */
  answerHistory(route, token, query, answer) {
    const websiteId = route.websiteId ?? "";
    /** @type {unknown[] | null} */
    let data;
    if (route.kind === "websites") {
      data = token.websites
        .slice((route.page - 1) * WEBSITES_PAGE, route.page * WEBSITES_PAGE)
        .map((id) => ({ website_id: id, settings: {} }));
    } else if (route.kind === "conversations") {
      data = this.history.conversationsPage(websiteId, route.page, query);
    } else {
      data = this.history.messagesPage(websiteId, route.sessionId ?? "", query);
    }
    if (data === null) return answer(404, { error: true, reason: "session_not_found", data: {} });
    return answer(200, { error: false, reason: "listed", data });
  }

  /**
   * @param {RestMode} fault
   * @param {IncomingMessage} req
   * @param {ServerResponse} res
   * @param {RestRecord} record
   * @param {(status: number, reason: string, headers?: Record<string, string>) => void} fail
   */
  applyErrorFault(fault, req, res, record, fail) {
    if (fault === "timeout") {
      this.journal.rest(record);
      this.log(`rest ${record.method} ${record.path}: held open (fault timeout)`);
      this.held.add(res);
      res.on("close", () => this.held.delete(res));
      req.resume();
      return;
    }
    if (fault === "invalid-json") {
      record.status = 200;
      this.journal.rest(record);
      res.writeHead(200, { ...CORS_HEADERS, "Content-Type": "application/json" });
      res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
      return;
    }
    const [status, reason] = /** @type {[number, string]} */ (ERROR_MODES[fault]);
    const headers = status === 429 ? { "Retry-After": String(this.faults.state.retryAfter) } : undefined;
    fail(status, reason, headers);
  }

  /** Destroys the responses held by the `timeout` mode. */
  releaseHeld() {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}
