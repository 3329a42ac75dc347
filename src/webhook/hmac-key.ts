import { RTMError } from "../core/errors.js";
import { subtleCrypto } from "./subtle.js";

const MAX_CACHED_KEYS = 8;
const cache = new Map<string, Promise<CryptoKey>>();

/**
 * The HMAC-SHA256 `CryptoKey` (sign and verify) of a web hook secret. Imported keys are cached per secret
 * (at most 8, oldest dropped first), so verifying many hooks costs one import.
 */
export function hmacKey(secret: string): Promise<CryptoKey> {
  if (typeof secret !== "string" || secret === "") {
    return Promise.reject(new RTMError("invalid_options", "the web hook secret must be a non-empty string"));
  }
  const cached = cache.get(secret);
  if (cached) return cached;
  let pending: Promise<CryptoKey>;
  try {
    pending = subtleCrypto().importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  } catch (error) {
    return Promise.reject(error);
  }
  pending.catch(() => cache.delete(secret));
  cache.set(secret, pending);
  if (cache.size > MAX_CACHED_KEYS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return pending;
}
