import { type DiscoveredEndpoint, type DiscoveryOptions, discoverEndpoint } from "../rest/discover.js";
import type { SocketEndpoint } from "../rest/endpoint.js";
import type { ResolvedOptions } from "./options.js";

/**
 * Decides where each attempt connects: the explicit `endpoint`, or the one Crisp's REST API assigned. A
 * discovered endpoint is cached; after a failed connect the next attempt tries the rescue host (when Crisp gave
 * one), and after 3 failures REST is asked again. A failed re-discovery falls back to the cache, so during an
 * outage REST is asked at most every third attempt.
 */
export class EndpointResolver {
  readonly #options: ResolvedOptions;
  readonly #signal: AbortSignal;
  #discovered: DiscoveredEndpoint | undefined;
  /** Failed connects to the cached endpoint (always 0 before the first discovery). */
  #failures = 0;

  /** `signal` aborts a discovery under way (its `resolve()` then rejects with `aborted`). */
  constructor(options: ResolvedOptions, signal: AbortSignal) {
    this.#options = options;
    this.#signal = signal;
  }

  /** True when the next {@link resolve} asks the REST API. */
  get needsDiscovery(): boolean {
    return !this.#options.endpoint && (!this.#discovered || this.#failures >= 3);
  }

  /** The endpoint of the next attempt; rejects with discovery's `RTMError` when REST had to be asked and failed. */
  async resolve(): Promise<SocketEndpoint> {
    const options = this.#options;
    const cached = this.#discovered;
    // An explicit endpoint, else the cache (needsDiscovery is false only with one of them).
    if (options.endpoint) return options.endpoint;
    if (cached && !this.needsDiscovery) return cached.rescue && this.#failures % 2 ? cached.rescue : cached.socket;
    try {
      // The resolved options hold every field discovery reads (websiteId and fetch possibly undefined).
      const discovered = await discoverEndpoint({
        ...options,
        signal: this.#signal,
        timeoutMs: options.discoveryTimeoutMs,
      } as DiscoveryOptions);
      this.#discovered = discovered;
      return discovered.socket;
    } finally {
      this.#failures = 0;
    }
  }

  /** A connect to the resolved endpoint failed. */
  connectFailed(): void {
    if (this.#discovered) this.#failures += 1;
  }

  /** The endpoint worked (authenticated). */
  succeeded(): void {
    this.#failures = 0;
  }
}
