import { RTMError } from "../core/errors.js";

/**
 * The runtime's Web Crypto `SubtleCrypto`. Throws `invalid_options` where there is none (old runtimes,
 * browser pages not served from a secure context).
 */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new RTMError("invalid_options", "Web Crypto (crypto.subtle) is not available here; a secure context or a newer runtime is needed");
  }
  return subtle;
}
