import {
  CrispRTM,
  type CrispRTMOptions,
  eventsForTier,
  type RTMError,
  type RTMLifecycleEvents,
  type WebSocketConstructor,
} from "crisp-rtm";
import { fetchWebSocket } from "crisp-rtm/fetch-websocket";
import type { CrispSettings, UpstreamSocket } from "./config.js";
import type { EventFilter } from "./filters.js";
import type { UpstreamState } from "./protocol.js";

/** What the hub hears from its upstream connection. */
export interface UpstreamListener {
  /** A frame arrived from Crisp (an event, a ping, anything): the hub was receiving at this moment. */
  frame(): void;
  event(name: string, payload: Record<string, unknown>): void;
  ready(info: RTMLifecycleEvents["rtm:ready"]): void;
  disconnect(info: RTMLifecycleEvents["rtm:disconnect"]): void;
  reconnecting(info: RTMLifecycleEvents["rtm:reconnecting"]): void;
  error(error: RTMError): void;
  closed(error: RTMError | undefined): void;
}

/** How long {@link Upstream.close} waits for the socket's close before giving up on it (a dead peer never answers). */
const CLOSE_WAIT_MS = 5_000;

/** Writes one line about the upstream connection (error messages never contain the token). */
function log(message: string, warn = false): void {
  (warn ? console.warn : console.log)(`crisp-hub upstream: ${message}`);
}

type Handler<E> = ((event: E) => void) | null;

/** The part of a WebSocket the client uses (what `crisp-rtm/fetch-websocket` implements too). */
interface ClientSocket {
  readonly url: string | null;
  readonly readyState: number;
  binaryType: string;
  onopen: Handler<Event>;
  onmessage: Handler<MessageEvent>;
  onerror: Handler<Event>;
  onclose: Handler<CloseEvent>;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/**
 * The sockets of the upstream: wraps the WebSocket constructor the client uses so the hub sees every frame
 * arrive (the client's pings included, which bound an honest downtime) and knows when each socket has really
 * closed (so a new connection never overlaps the old one). It forwards exactly the part of the interface the
 * client uses: `binaryType`, `readyState`, `send`, `close` and the four `on…` handlers.
 */
class SocketWatch {
  readonly #open = new Set<object>();
  #waiters: (() => void)[] = [];

  /** The constructor to give the client. */
  wrap(Base: WebSocketConstructor, onFrame: () => void): WebSocketConstructor {
    const watch = this;
    class WatchedSocket {
      onopen: Handler<Event> = null;
      onmessage: Handler<MessageEvent> = null;
      onerror: Handler<Event> = null;
      onclose: Handler<CloseEvent> = null;
      readonly #socket: ClientSocket;

      constructor(url: string, protocols?: string | string[]) {
        const socket = new Base(url, protocols) as unknown as ClientSocket;
        this.#socket = socket;
        watch.#open.add(this);
        socket.onopen = (event) => this.onopen?.(event);
        socket.onerror = (event) => this.onerror?.(event);
        socket.onmessage = (event) => {
          onFrame();
          this.onmessage?.(event);
        };
        socket.onclose = (event) => {
          watch.#closed(this);
          this.onclose?.(event);
        };
      }

      get url(): string | null {
        return this.#socket.url;
      }

      get readyState(): number {
        return this.#socket.readyState;
      }

      get binaryType(): string {
        return this.#socket.binaryType;
      }

      set binaryType(value: string) {
        this.#socket.binaryType = value;
      }

      send(data: string | ArrayBuffer | ArrayBufferView): void {
        this.#socket.send(data);
      }

      close(code?: number, reason?: string): void {
        this.#socket.close(code, reason);
      }
    }
    return WatchedSocket as unknown as WebSocketConstructor;
  }

  /** Resolves once no socket is open (or after `timeoutMs`: then false). */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.#open.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  #closed(socket: object): void {
    this.#open.delete(socket);
    if (this.#open.size > 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }
}

/**
 * The single upstream Crisp connection: at most one crisp-rtm client at a time, which reconnects by itself
 * after network failures. A new client only starts once the sockets of the previous one have closed, so
 * Crisp never sees two connections of the hub at once.
 */
export class Upstream {
  readonly #settings: CrispSettings;
  readonly #socket: UpstreamSocket;
  readonly #listener: UpstreamListener;
  readonly #watch = new SocketWatch();
  #client: CrispRTM | null = null;
  #filter: EventFilter | null = null;
  /** Bumped by every close: an open still waiting for the previous sockets gives up when it changed. */
  #generation = 0;
  #starting = false;

  constructor(settings: CrispSettings, socket: UpstreamSocket, listener: UpstreamListener) {
    this.#settings = settings;
    this.#socket = socket;
    this.#listener = listener;
  }

  /** The client's state (`connecting` while waiting for the previous connection to close), or `stopped` when there is no client. */
  get state(): UpstreamState {
    if (this.#starting) return "connecting";
    return this.#client?.state ?? "stopped";
  }

  /** True while a client is starting or exists and is not closed (connected, or connecting, or waiting to retry). */
  get active(): boolean {
    return this.#starting || (this.#client !== null && this.#client.state !== "closed");
  }

  /** Opens a client with these filters once the previous connection has closed, unless one is active. */
  open(filter: EventFilter): void {
    if (this.active) return;
    this.#starting = true;
    this.#filter = filter;
    const generation = this.#generation;
    void this.#watch.drained(CLOSE_WAIT_MS).then((drained) => {
      if (generation !== this.#generation) return;
      this.#starting = false;
      if (!drained) log("the previous connection did not report its close in time; opening the next one anyway", true);
      this.#start(this.#filter ?? filter);
    });
  }

  /** Closes the client for good (no reconnect) and resolves once its socket has closed; its own `closed` is not reported. */
  async close(): Promise<void> {
    this.#generation += 1;
    this.#starting = false;
    const client = this.#client;
    this.#client = null;
    client?.close();
    await this.#watch.drained(CLOSE_WAIT_MS);
  }

  /**
   * Applies new filters: `socket:bind` on the live connection whenever Crisp can apply them that way; only a
   * website list going back to "every website" needs a new connection (a bind cannot drop the rooms filter),
   * opened after the old one has closed.
   */
  async bind(filter: EventFilter): Promise<void> {
    const previous = this.#filter;
    this.#filter = filter;
    const client = this.#client;
    if (this.#starting || !client || !this.active) return;
    if (filter.websites === null && previous?.websites !== null) {
      await this.close();
      this.open(filter);
      return;
    }
    const events = filter.events ?? eventsForTier(this.#settings.tier);
    await client.bind(filter.websites === null ? { events } : { events, rooms: filter.websites });
  }

  #start(filter: EventFilter): void {
    const client = new CrispRTM(this.#options(filter));
    this.#client = client;
    this.#wire(client);
    client.connect().catch(() => undefined);
  }

  #options(filter: EventFilter): CrispRTMOptions {
    const { identifier, key, tier, websiteId, restBase, endpoint } = this.#settings;
    const base = this.#socket === "fetch" ? fetchWebSocket() : (WebSocket as unknown as WebSocketConstructor);
    const options: CrispRTMOptions = {
      identifier,
      key,
      tier,
      WebSocket: this.#watch.wrap(base, () => this.#listener.frame()),
    };
    if (websiteId !== undefined) options.websiteId = websiteId;
    if (restBase !== undefined) options.restBase = restBase;
    if (endpoint !== undefined) options.endpoint = endpoint;
    if (filter.events !== null) options.events = filter.events;
    if (filter.websites !== null) options.rooms = filter.websites;
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
    client.on("rtm:reconnecting", (info) => {
      if (current()) listener.reconnecting(info);
    });
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
