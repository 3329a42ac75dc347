import type { TicketResult } from "../api.js";
import { requireService } from "../auth/principal.js";
import { issueTicket, newTicketId, ticketKey } from "../auth/ticket.js";
import { parseJsonList } from "../filters.js";
import { json, readJsonObject } from "../http.js";
import type { RouteContext } from "./context.js";

/**
 * `POST /ticket` (bearer): a short-lived signed ticket for one browser subscription, limited to the
 * `events` / `websites` given, usable once. Your backend calls this for a signed-in user and hands the
 * ticket over; the browser needs a new one for every (re)connection.
 */
export async function ticket({ request, config }: RouteContext): Promise<Response> {
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
