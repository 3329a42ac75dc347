import type { EventFilter } from "../filters.js";
import { fromBase64Url, fromUtf8, toBase64Url, utf8 } from "./bytes.js";

/** What a ticket grants: one subscription within `scope`, opened before `expiresAt` (ms since epoch). */
export interface TicketGrant {
  /** A random id: the hub accepts each ticket once. */
  id: string;
  expiresAt: number;
  scope: EventFilter;
}

interface TicketClaims {
  id: string;
  exp: number;
  ev: string[] | null;
  ws: string[] | null;
}

const VERSION = "t1";
const MAX_TICKET_LENGTH = 8192;
const KEY_LABEL = "crisp-hub ticket signing key v1";

let cachedKey: { secret: string; derived: boolean; key: Promise<CryptoKey> } | undefined;

async function importHmacKey(material: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

async function deriveKey(secret: string, derived: boolean): Promise<CryptoKey> {
  if (!derived) return importHmacKey(utf8(secret));
  const parent = await importHmacKey(utf8(secret));
  return importHmacKey(new Uint8Array(await crypto.subtle.sign("HMAC", parent, utf8(KEY_LABEL))));
}

/**
 * The HMAC-SHA256 key that signs tickets: `TICKET_SECRET` when set, else a key derived from the subscriber
 * secret (so a ticket never is, nor reveals, the secret). Imported once per isolate.
 */
export function ticketKey(ticketSecret: string | null, subscriberSecret: string): Promise<CryptoKey> {
  const secret = ticketSecret ?? subscriberSecret;
  const derived = ticketSecret === null;
  if (cachedKey?.secret !== secret || cachedKey.derived !== derived)
    cachedKey = { secret, derived, key: deriveKey(secret, derived) };
  return cachedKey.key;
}

/** A fresh random ticket id. */
export function newTicketId(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** Signs a ticket: `t1.<claims>.<signature>`, all base64url, safe in a query string. */
export async function issueTicket(key: CryptoKey, grant: TicketGrant): Promise<string> {
  const claims: TicketClaims = { id: grant.id, exp: grant.expiresAt, ev: grant.scope.events, ws: grant.scope.websites };
  const signed = `${VERSION}.${toBase64Url(utf8(JSON.stringify(claims)))}`;
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8(signed)));
  return `${signed}.${toBase64Url(signature)}`;
}

function stringList(value: unknown): string[] | null | undefined {
  if (value === null) return null;
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value as string[];
  return undefined;
}

function parseClaims(bytes: Uint8Array): TicketClaims | null {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { id, exp, ev, ws } = value as Record<string, unknown>;
  const events = stringList(ev);
  const websites = stringList(ws);
  if (
    typeof id !== "string" ||
    id === "" ||
    id.length > 64 ||
    typeof exp !== "number" ||
    events === undefined ||
    websites === undefined
  )
    return null;
  return { id, exp, ev: events, ws: websites };
}

/**
 * Checks a ticket's signature (Web Crypto's HMAC verify, constant-time) and expiry; `maxTtlMs` also bounds
 * how far in the future a valid ticket may expire. Returns the grant, or null for any invalid ticket.
 */
export async function verifyTicket(
  key: CryptoKey,
  ticket: string,
  now: number,
  maxTtlMs: number,
): Promise<TicketGrant | null> {
  if (ticket.length > MAX_TICKET_LENGTH) return null;
  const [version, claimsPart, signaturePart, extra] = ticket.split(".");
  if (version !== VERSION || claimsPart === undefined || signaturePart === undefined || extra !== undefined)
    return null;
  const signature = fromBase64Url(signaturePart);
  const claimsBytes = fromBase64Url(claimsPart);
  if (!signature || !claimsBytes) return null;
  const valid = await crypto.subtle.verify("HMAC", key, signature, utf8(`${version}.${claimsPart}`));
  if (!valid) return null;
  const claims = parseClaims(claimsBytes);
  if (!claims || claims.exp <= now || claims.exp > now + maxTtlMs + 5_000) return null;
  return { id: claims.id, expiresAt: claims.exp, scope: { events: claims.ev, websites: claims.ws } };
}
