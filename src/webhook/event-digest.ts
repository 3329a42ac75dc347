import type { KeyedEvent } from "./event-key.js";
import { canonicalJson } from "./canonical-json.js";
import { bytesToHex } from "./hex.js";
import { subtleCrypto } from "./subtle.js";

/**
 * A content identity for events without a fingerprint: `"sha256:"` and the hex SHA-256 (Web Crypto) of the
 * canonical JSON of `[website_id, event, data]`: keys sorted, so key order does not matter, and `website_id`
 * counted once, whether it sits beside `data` or inside it. Equal for the socket and the web hook copy of one
 * event, but also for two genuinely repeated identical events: pair copies across transports with it (as
 * {@link EventDeduper} does), never drop repeats from one transport.
 */
export async function webhookEventDigest(input: KeyedEvent): Promise<string> {
  const data = input.data as Record<string, unknown>;
  const websiteId = input.website_id ?? (typeof data.website_id === "string" ? data.website_id : null);
  const fields: Record<string, unknown> = { ...data };
  delete fields.website_id;
  const text = canonicalJson([websiteId, input.event, fields]);
  const digest = await subtleCrypto().digest("SHA-256", new TextEncoder().encode(text));
  return `sha256:${bytesToHex(new Uint8Array(digest))}`;
}
