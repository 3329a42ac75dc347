// @ts-check
/** Per-website message fingerprints: monotonic, never reset while the emulator runs. */

/** Hands out increasing fingerprints, one sequence per website. */
export class Fingerprints {
  /** @param {number} start First fingerprint of every website. */
  constructor(start) {
    this.start = start;
    /** @type {Map<string, number>} next fingerprint per website */
    this.nextByWebsite = new Map();
  }

  /**
   * The next fingerprint of `websiteId` (use "" for events without a website).
   * @param {string} websiteId
   */
  next(websiteId) {
    const value = this.nextByWebsite.get(websiteId) ?? this.start;
    this.nextByWebsite.set(websiteId, value + 1);
    return value;
  }

  /**
   * Notes a fingerprint chosen elsewhere so later ones stay above it.
   * @param {string} websiteId
   * @param {number} fingerprint
   */
  observe(websiteId, fingerprint) {
    if (!Number.isSafeInteger(fingerprint)) return;
    const next = this.nextByWebsite.get(websiteId) ?? this.start;
    if (fingerprint >= next) this.nextByWebsite.set(websiteId, fingerprint + 1);
  }
}
