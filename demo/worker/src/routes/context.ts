import type { HubConfig } from "../config.js";
import type { HubEnv } from "../env.js";

/** What a route handler gets. */
export interface RouteContext {
  request: Request;
  url: URL;
  env: HubEnv;
  config: HubConfig;
}

/** A route handler; it throws `ApiError` for error answers. */
export type RouteHandler = (context: RouteContext) => Promise<Response>;
