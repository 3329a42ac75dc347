import { readConfig } from "./config.js";
import type { HubEnv } from "./env.js";
import { ApiError, errorResponse } from "./http.js";
import { bind } from "./routes/bind.js";
import type { RouteHandler } from "./routes/context.js";
import { subscribe } from "./routes/events.js";
import { status } from "./routes/status.js";
import { evict } from "./routes/test-hooks.js";
import { ticket } from "./routes/ticket.js";
import { upstream } from "./routes/upstream.js";
import { webhook } from "./routes/webhook.js";

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
    if (request.method !== entry.method) throw new ApiError("method_not_allowed", `use ${entry.method} ${url.pathname}`);
    return await entry.handle({ request, url, env, config: readConfig(env) });
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    console.error("crisp-hub: unexpected error:", error instanceof Error ? error.name : typeof error);
    return errorResponse(new ApiError("internal_error", "the hub failed to handle the request"));
  }
}
