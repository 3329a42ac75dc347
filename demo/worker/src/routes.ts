/**
 * The Worker's HTTP API: authentication and input checks happen here, the work in the hub. Every failure
 * becomes a JSON error answer (`{ error, message }`, see `http.ts`); nothing of a caller's credentials goes on
 * to the hub.
 *
 * | Route | Who | What |
 * | --- | --- | --- |
 * | `GET /events` | bearer or `?ticket=` | WebSocket subscription (`?events=`, `?websites=`, `?since=`, `?protocol=`) |
 * | `GET /status` | anyone | the hub's state; with the bearer secret, the upstream filters too |
 * | `POST /bind` | bearer | changes the upstream filters |
 * | `POST /ticket` | bearer | a one-use ticket for one browser subscription |
 * | `POST /upstream` | bearer | switches the upstream connection off or on |
 * | `POST /webhook` | Crisp's signature | a Crisp web hook |
 * | `POST /_test/evict` | bearer, `HUB_TEST_ROUTES` only | ends the hub's instance as an eviction does |
 */
import { handleWebhook, isRTMError, type VerifiedWebhook } from "crisp-rtm/webhook";
import type { BindRequest, TicketResult, WebhookResult } from "./api.js";
import { authenticateSubscriber, isService, requireService } from "./auth/principal.js";
import { issueTicket, newTicketId, ticketKey } from "./auth/ticket.js";
import { type HubConfig, type HubEnv, readConfig } from "./config.js";
import { parseCsv, parseJsonList } from "./filters.js";
import { ApiError, errorResponse, isApiErrorCode, json, readJsonObject } from "./http.js";
import type { CrispHub } from "./hub.js";
import { PROTOCOL_VERSIONS, type ProtocolVersion } from "./protocol.js";
import { toHubRequest } from "./subscribers.js";

/** The name of the single hub: every request of the deployment reaches the same Durable Object. */
const HUB_NAME = "crisp-hub";

/** What a route handler gets. */
interface RouteContext {
  request: Request;
  url: URL;
  hub: DurableObjectStub<CrispHub>;
  config: HubConfig;
}

type RouteHandler = (context: RouteContext) => Promise<Response>;

function parseSince(value: string | null): number | null {
  if (value === null || value === "") return null;
  if (!/^\d{1,15}$/.test(value)) throw new ApiError("bad_request", "since must be a non-negative integer");
  return Number(value);
}

function parseProtocol(value: string | null): ProtocolVersion | undefined {
  if (value === null || value === "") return undefined;
  const version = PROTOCOL_VERSIONS.find((candidate) => String(candidate) === value);
  if (version === undefined)
    throw new ApiError("bad_request", `protocol must be one of ${PROTOCOL_VERSIONS.join(", ")}`);
  return version;
}

/**
 * `GET /events` (WebSocket): authenticates the subscriber (bearer secret or `?ticket=`), checks its filters
 * (`?events=a,b&websites=x,y`), `?since=<seq>` and `?protocol=` and hands a clean subscription request to the hub.
 */
async function subscribe({ request, url, hub, config }: RouteContext): Promise<Response> {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError("upgrade_required", "GET /events is a WebSocket endpoint");
  }
  const principal = await authenticateSubscriber(request, url, config);
  const filter = {
    events: parseCsv(url.searchParams.get("events"), "events", "patterns"),
    websites: parseCsv(url.searchParams.get("websites"), "websites", "exact"),
  };
  const since = parseSince(url.searchParams.get("since"));
  const protocol = parseProtocol(url.searchParams.get("protocol"));
  const common = protocol === undefined ? { filter, since } : { filter, since, protocol };
  if (principal.kind === "service")
    return hub.fetch(toHubRequest({ kind: "service", scope: null, ticket: null, ...common }));
  const { id, expiresAt, scope } = principal.grant;
  return hub.fetch(toHubRequest({ kind: "ticket", scope, ticket: { id, expiresAt }, ...common }));
}

/** `GET /status`: public; a caller with the bearer secret also sees the upstream filters. */
async function status({ request, hub, config }: RouteContext): Promise<Response> {
  return json(await hub.status(await isService(request, config)));
}

/** `POST /bind` (bearer): changes the upstream event names and/or website ids. */
async function bind({ request, hub, config }: RouteContext): Promise<Response> {
  await requireService(request, config);
  const body = await readJsonObject(request);
  const events = parseJsonList(body.events, "events", "exact");
  const websites = parseJsonList(body.websites, "websites", "exact");
  const bindRequest: BindRequest = {};
  if (events !== undefined) bindRequest.events = events;
  if (websites !== undefined) bindRequest.websites = websites;
  return json(await hub.bind(bindRequest));
}

/**
 * `POST /ticket` (bearer): a short-lived signed ticket for one browser subscription, limited to the
 * `events` / `websites` given, usable once. Your backend calls this for a signed-in user and hands the
 * ticket over; the browser needs a new one for every (re)connection.
 */
async function ticket({ request, config }: RouteContext): Promise<Response> {
  await requireService(request, config);
  const body = await readJsonObject(request);
  const scope = {
    events: parseJsonList(body.events, "events", "patterns") ?? null,
    websites: parseJsonList(body.websites, "websites", "exact") ?? null,
  };
  const key = await ticketKey(config.ticketSecret, config.subscriberSecret ?? "");
  const expiresAt = Date.now() + config.ticketTtlMs;
  const result: TicketResult = { ticket: await issueTicket(key, { id: newTicketId(), expiresAt, scope }), expiresAt };
  return json(result);
}

/** `POST /upstream` (bearer) with `{"running": false}` or `true`: switches the upstream connection off or on. */
async function upstream({ request, hub, config }: RouteContext): Promise<Response> {
  await requireService(request, config);
  const { running } = await readJsonObject(request);
  if (typeof running !== "boolean") throw new ApiError("bad_request", "running must be a boolean");
  return json(await hub.setRunning(running));
}

/**
 * `POST /webhook`: a Crisp web hook. Crisp cannot send the bearer secret, so its signature (HMAC with
 * `CRISP_WEBHOOK_SECRET`) and its timestamp are the authentication; a hook that fails them gets the matching
 * answer (`webhook_signature` 401, `webhook_stale` 408, …). Verified hooks go to the hub, which logs them in
 * the events' sequence unless the socket already brought them.
 */
async function webhook({ request, hub, config }: RouteContext): Promise<Response> {
  const secret = config.webhookSecret;
  if (secret === null) throw new ApiError("not_found", "web hooks are not configured");
  let hook: VerifiedWebhook;
  try {
    hook = await handleWebhook(request, { secret });
  } catch (error) {
    if (isRTMError(error) && error.status !== undefined && isApiErrorCode(error.code))
      throw new ApiError(error.code, error.message);
    throw error;
  }
  const { website_id, event, data } = hook;
  const outcome = await hub.ingestWebhook({ website_id, event, data, attempt: hook.delivery.attempt });
  const result: WebhookResult = { ok: true, ...outcome };
  return json(result);
}

/** `POST /_test/evict` (bearer, only with `HUB_TEST_ROUTES=true`): ends the hub's instance as an eviction does. */
async function evict({ request, hub, config }: RouteContext): Promise<Response> {
  if (!config.testRoutes) throw new ApiError("not_found", "no such route");
  await requireService(request, config);
  try {
    await hub.simulateEviction();
  } catch {
    return json({ evicted: true });
  }
  return json({ evicted: false });
}

const ROUTES: Record<string, { method: "GET" | "POST"; handle: RouteHandler }> = {
  "/events": { method: "GET", handle: subscribe },
  "/status": { method: "GET", handle: status },
  "/bind": { method: "POST", handle: bind },
  "/ticket": { method: "POST", handle: ticket },
  "/upstream": { method: "POST", handle: upstream },
  "/webhook": { method: "POST", handle: webhook },
  "/_test/evict": { method: "POST", handle: evict },
};

/** Routes a request of the Worker; every failure becomes a JSON error answer. */
export async function route(request: Request, env: HubEnv): Promise<Response> {
  const url = new URL(request.url);
  const entry = Object.hasOwn(ROUTES, url.pathname) ? ROUTES[url.pathname] : undefined;
  try {
    if (!entry) throw new ApiError("not_found", "no such route");
    if (request.method !== entry.method)
      throw new ApiError("method_not_allowed", `use ${entry.method} ${url.pathname}`);
    const namespace = env.HUB as DurableObjectNamespace<CrispHub>;
    const hub = namespace.get(namespace.idFromName(HUB_NAME));
    return await entry.handle({ request, url, hub, config: readConfig(env) });
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    console.error("crisp-hub: unexpected error:", error instanceof Error ? error.name : typeof error);
    return errorResponse(new ApiError("internal_error", "the hub failed to handle the request"));
  }
}
