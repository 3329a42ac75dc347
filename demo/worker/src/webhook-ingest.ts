/** What the Worker hands the hub for a verified web hook (`POST /webhook`). */
export interface IncomingWebhook {
  /** The body's `website_id`; null: the hub takes `data.website_id`. */
  website_id: string | null;
  event: string;
  data: Record<string, unknown>;
  /** `X-Delivery-Attempt-Count` (1 for the first delivery), or null when Crisp did not send it. */
  attempt: number | null;
}

/** What became of a web hook in the hub. */
export interface WebhookOutcome {
  /** The sequence number it got; null when it was not logged. */
  seq: number | null;
  /** True when it was a copy of an event already logged (the socket's, or an earlier delivery of the hook). */
  duplicate: boolean;
  /** True when the upstream filters (`CRISP_EVENTS` / `CRISP_WEBSITES` / `POST /bind`) exclude it. */
  filtered: boolean;
}
