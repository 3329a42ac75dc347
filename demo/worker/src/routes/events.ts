import { authenticateSubscriber } from "../auth/principal.js";
import { parseCsv } from "../filters.js";
import { hubOf } from "../hub-stub.js";
import { ApiError } from "../http.js";
import { toHubRequest } from "../subscription.js";
import type { RouteContext } from "./context.js";

function parseSince(value: string | null): number | null {
  if (value === null || value === "") return null;
  if (!/^\d{1,15}$/.test(value)) throw new ApiError("bad_request", "since must be a non-negative integer");
  return Number(value);
}

/**
 * `GET /events` (WebSocket): authenticates the subscriber (bearer secret or `?ticket=`), checks its filters
 * (`?events=a,b&websites=x,y`, `?since=<seq>`) and hands a clean subscription request to the hub.
 */
export async function subscribe({ request, url, env, config }: RouteContext): Promise<Response> {
  if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError("upgrade_required", "GET /events is a WebSocket endpoint");
  }
  const principal = await authenticateSubscriber(request, url, config);
  const filter = {
    events: parseCsv(url.searchParams.get("events"), "events", "patterns"),
    websites: parseCsv(url.searchParams.get("websites"), "websites", "exact"),
  };
  const since = parseSince(url.searchParams.get("since"));
  if (principal.kind === "service") return hubOf(env).fetch(toHubRequest({ kind: "service", filter, scope: null, ticket: null, since }));
  const { id, expiresAt, scope } = principal.grant;
  return hubOf(env).fetch(toHubRequest({ kind: "ticket", filter, scope, ticket: { id, expiresAt }, since }));
}
