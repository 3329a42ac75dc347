/** An event from either transport: a web hook (`website_id` beside `data`) or a socket event (inside it). */
export interface KeyedEvent {
  /** The website id of a web hook's body; taken from `data.website_id` when absent. */
  website_id?: string | null;
  /** The event name. */
  event: string;
  /** The payload. */
  data: object;
  /** A web hook's delivery headers: a retry (`attempt` > 1) is matched against earlier copies of its own transport too. */
  delivery?: { attempt: number | null };
}

/** Edits keep the fingerprint of the message they change: the fingerprint does not identify them. */
const NOT_IDENTIFIED_BY_FINGERPRINT = new Set(["message:updated"]);

/**
 * The identity of an event that carries a message fingerprint: the JSON of
 * `[website_id, session_id, event, fingerprint]`, the same for the socket and the web hook copy of one
 * event. Null when the payload has no fingerprint (or for `message:updated`, whose edits share one); use
 * {@link webhookEventDigest} then.
 */
export function webhookEventKey(input: KeyedEvent): string | null {
  if (NOT_IDENTIFIED_BY_FINGERPRINT.has(input.event)) return null;
  const data = input.data as Record<string, unknown>;
  const fingerprint = data.fingerprint;
  if (!(typeof fingerprint === "number" && Number.isFinite(fingerprint)) && !(typeof fingerprint === "string" && fingerprint !== "")) {
    return null;
  }
  const websiteId = input.website_id ?? (typeof data.website_id === "string" ? data.website_id : null);
  const sessionId = typeof data.session_id === "string" ? data.session_id : null;
  return JSON.stringify([websiteId, sessionId, input.event, fingerprint]);
}
