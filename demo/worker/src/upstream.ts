import { fetchWebSocket } from "crisp-rtm/fetch-websocket";
import { CrispRTM, eventsForTier, type CrispRTMOptions, type RTMError, type RTMLifecycleEvents } from "crisp-rtm";
import type { CrispSettings, UpstreamSocket } from "./config.js";
import type { EventFilter } from "./filters.js";
import type { UpstreamState } from "./protocol.js";

/** What the hub hears from its upstream connection. */
export interface UpstreamListener {
  event(name: string, payload: Record<string, unknown>): void;
  ready(info: RTMLifecycleEvents["rtm:ready"]): void;
  disconnect(info: RTMLifecycleEvents["rtm:disconnect"]): void;
  reconnecting(info: RTMLifecycleEvents["rtm:reconnecting"]): void;
  error(error: RTMError): void;
  closed(error: RTMError | undefined): void;
}

/** Writes one line about the upstream connection (error messages never contain the token). */
function log(message: string, warn = false): void {
  (warn ? console.warn : console.log)(`crisp-hub upstream: ${message}`);
}

/**
 * The single upstream Crisp connection: at most one crisp-rtm client at a time, which reconnects by itself
 * after network failures. A new client is only created by {@link open} once the previous one is closed.
 */
export class Upstream {
  readonly #settings: CrispSettings;
  readonly #socket: UpstreamSocket;
  readonly #listener: UpstreamListener;
  #client: CrispRTM | null = null;
  #filter: EventFilter | null = null;

  constructor(settings: CrispSettings, socket: UpstreamSocket, listener: UpstreamListener) {
    this.#settings = settings;
    this.#socket = socket;
    this.#listener = listener;
  }

  /** The client's state, or `stopped` when there is no client. */
  get state(): UpstreamState {
    return this.#client?.state ?? "stopped";
  }

  /** True while a client exists that is not closed (connected, or connecting, or waiting to retry). */
  get active(): boolean {
    return this.#client !== null && this.#client.state !== "closed";
  }

  /** Opens a client with these filters, unless one is active. */
  open(filter: EventFilter): void {
    if (this.active) return;
    const client = new CrispRTM(this.#options(filter));
    this.#client = client;
    this.#filter = filter;
    this.#wire(client);
    client.connect().catch(() => undefined);
  }

  /** Closes the client for good (no reconnect); its own `closed` is not reported. */
  close(): void {
    const client = this.#client;
    this.#client = null;
    client?.close();
  }

  /**
   * Applies new filters: `socket:bind` on the live connection, or a fresh connection when the website list
   * goes back to "every website" (a bind cannot drop the rooms filter).
   */
  async bind(filter: EventFilter): Promise<void> {
    const client = this.#client;
    if (!client || !this.active) return;
    const previous = this.#filter;
    this.#filter = filter;
    if (filter.websites === null && previous?.websites !== null) {
      this.close();
      this.open(filter);
      return;
    }
    const events = filter.events ?? eventsForTier(this.#settings.tier);
    await client.bind(filter.websites === null ? { events } : { events, rooms: filter.websites });
  }

  #options(filter: EventFilter): CrispRTMOptions {
    const { identifier, key, tier, websiteId, restBase, endpoint } = this.#settings;
    const options: CrispRTMOptions = { identifier, key, tier };
    if (websiteId !== undefined) options.websiteId = websiteId;
    if (restBase !== undefined) options.restBase = restBase;
    if (endpoint !== undefined) options.endpoint = endpoint;
    if (filter.events !== null) options.events = filter.events;
    if (filter.websites !== null) options.rooms = filter.websites;
    if (this.#socket === "fetch") options.WebSocket = fetchWebSocket();
    return options;
  }

  #wire(client: CrispRTM): void {
    const current = () => this.#client === client;
    const listener = this.#listener;
    client.on("*", (name, payload) => {
      if (current()) listener.event(name, payload);
    });
    client.on("rtm:ready", (info) => {
      log(info.reconnected ? `reconnected to ${info.endpoint}` : `ready on ${info.endpoint}`);
      if (current()) listener.ready(info);
    });
    client.on("rtm:disconnect", (info) => {
      log(`disconnected: ${info.reason} (${info.description})`, true);
      if (current()) listener.disconnect(info);
    });
    client.on("rtm:reconnecting", (info) => current() && listener.reconnecting(info));
    client.on("rtm:error", (error) => {
      log(`${error.code}: ${error.message}`, true);
      if (current()) listener.error(error);
    });
    client.on("rtm:close", ({ error }) => {
      log(error ? `closed: ${error.code}` : "closed");
      if (current()) listener.closed(error);
    });
  }
}
