import { discoverEndpoint, type DiscoveredEndpoint } from "../rest/discover.js";
import type { SocketEndpoint } from "../rest/endpoint.js";
import type { ResolvedOptions } from "./options.js";

/** Failed connects to a cached endpoint after which REST is asked again. */
const REDISCOVER_AFTER_FAILURES = 3;

/**
 * Decides where each attempt connects: the explicit `endpoint`, or the one Crisp's REST API assigned. A
 * discovered endpoint is cached; after a failed connect the next attempt tries the rescue host (when Crisp gave
 * one), and after {@link REDISCOVER_AFTER_FAILURES} failures REST is asked again. A failed re-discovery falls
 * back to the cache, so during an outage REST is asked at most every third attempt.
 */
export class EndpointResolver {
  readonly #options: ResolvedOptions;
  #discovered: DiscoveredEndpoint | undefined;
  #failures = 0;
  #discovery: AbortController | undefined;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  /** True when the next {@link resolve} asks the REST API. */
  get needsDiscovery(): boolean {
    return !this.#options.endpoint && (!this.#discovered || this.#failures >= REDISCOVER_AFTER_FAILURES);
  }

  /** The endpoint of the next attempt; rejects with discovery's `RTMError` when REST had to be asked and failed. */
  async resolve(): Promise<{ endpoint: SocketEndpoint; discovered?: DiscoveredEndpoint }> {
    if (this.#options.endpoint) return { endpoint: this.#options.endpoint };
    if (this.#discovered && !this.needsDiscovery) {
      const { socket, rescue } = this.#discovered;
      return { endpoint: rescue && this.#failures % 2 === 1 ? rescue : socket };
    }
    this.#discovery = new AbortController();
    const options = this.#options;
    try {
      this.#discovered = await discoverEndpoint({
        identifier: options.identifier,
        key: options.key,
        tier: options.tier,
        restBase: options.restBase,
        signal: this.#discovery.signal,
        timeoutMs: options.discoveryTimeoutMs,
        ...(options.websiteId === undefined ? {} : { websiteId: options.websiteId }),
        ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      });
    } catch (error) {
      if (this.#discovered) this.#failures = 0;
      throw error;
    } finally {
      this.#discovery = undefined;
    }
    this.#failures = 0;
    return { endpoint: this.#discovered.socket, discovered: this.#discovered };
  }

  /** A connect to the resolved endpoint failed. */
  connectFailed(): void {
    if (this.#discovered) this.#failures += 1;
  }

  /** The endpoint worked (authenticated). */
  succeeded(): void {
    this.#failures = 0;
  }

  /** Aborts a discovery under way (its `resolve()` rejects with `aborted`). */
  abort(): void {
    this.#discovery?.abort();
  }
}
