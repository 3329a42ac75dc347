import type { BindRequest } from "../api.js";
import { requireService } from "../auth/principal.js";
import { parseJsonList } from "../filters.js";
import { hubOf } from "../hub-stub.js";
import { json, readJsonObject } from "../http.js";
import type { RouteContext } from "./context.js";

/** `POST /bind` (bearer): changes the upstream event names and/or website ids. */
export async function bind({ request, env, config }: RouteContext): Promise<Response> {
  await requireService(request, config);
  const body = await readJsonObject(request);
  const events = parseJsonList(body.events, "events", "exact");
  const websites = parseJsonList(body.websites, "websites", "exact");
  const bindRequest: BindRequest = {};
  if (events !== undefined) bindRequest.events = events;
  if (websites !== undefined) bindRequest.websites = websites;
  return json(await hubOf(env).bind(bindRequest));
}
