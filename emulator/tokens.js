// @ts-check
/** The token registry: credentials check and website ownership. */
import { createHash, timingSafeEqual } from "node:crypto";

/** @typedef {import("./options.js").TokenSpec} TokenSpec */
/** @typedef {Required<TokenSpec>} Token */

/**
 * Compares two secrets in constant time.
 * @param {string} a
 * @param {string} b
 */
function sameSecret(a, b) {
  const digest = (/** @type {string} */ s) => createHash("sha256").update(s, "utf8").digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The tokens the emulator accepts; website lists may change at run time. */
export class TokenRegistry {
  /** @param {Token[]} tokens */
  constructor(tokens) {
    /** @type {Map<string, Token>} */
    this.byId = new Map(tokens.map((t) => [t.identifier, t]));
    /** @type {Set<string>} identifiers whose credentials are refused until restored */
    this.revoked = new Set();
  }

  /** @returns {Token[]} the tokens, in the order given. */
  list() {
    return [...this.byId.values()];
  }

  /** @param {string} identifier */
  get(identifier) {
    return this.byId.get(identifier) ?? null;
  }

  /**
   * The token when `identifier` and `key` match, else null.
   * @param {unknown} identifier
   * @param {unknown} key
   */
  verify(identifier, key) {
    if (typeof identifier !== "string" || typeof key !== "string") return null;
    const token = this.byId.get(identifier);
    return token && !this.revoked.has(identifier) && sameSecret(token.key, key) ? token : null;
  }

  /**
   * Revokes a token (REST answers 401, `authentication` gets `unauthorized`; open sockets stay) or
   * restores it. Returns the token, or null when unknown.
   * @param {string} identifier
   * @param {boolean} revoked
   */
  setRevoked(identifier, revoked) {
    const token = this.byId.get(identifier);
    if (!token) return null;
    if (revoked) this.revoked.add(identifier);
    else this.revoked.delete(identifier);
    return token;
  }

  /**
   * @param {Token} token
   * @param {string} websiteId
   */
  owns(token, websiteId) {
    return token.websites.includes(websiteId);
  }

  /**
   * Replaces the websites a token is subscribed to (sockets see the change after `socket:bind {}`).
   * @param {string} identifier
   * @param {string[]} websites
   */
  setWebsites(identifier, websites) {
    const token = this.byId.get(identifier);
    if (!token) return null;
    token.websites = [...new Set(websites)];
    return token;
  }

  /** Every website id of every token, without duplicates. */
  allWebsites() {
    return [...new Set(this.list().flatMap((t) => t.websites))];
  }

  /** The tokens without their keys, for state answers. */
  publicList() {
    return this.list().map(({ identifier, websites, tier }) => ({
      identifier,
      websites: [...websites],
      tier,
      revoked: this.revoked.has(identifier),
    }));
  }
}
