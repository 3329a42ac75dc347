import type { LogEntry } from "./replay-log.js";
import { wants, type Subscription } from "./subscription.js";

const TAG = "subscriber";

/**
 * The subscribers' WebSockets, accepted through the hibernation API: the runtime holds them, each carries its
 * {@link Subscription} as an attachment, and they outlive the Durable Object's in-memory state.
 */
export class Subscribers {
  readonly #ctx: DurableObjectState;
  readonly #cache = new WeakMap<WebSocket, Subscription>();

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /** Takes over the server end of a new subscriber's socket. */
  accept(socket: WebSocket, subscription: Subscription): void {
    this.#ctx.acceptWebSocket(socket, [TAG]);
    socket.serializeAttachment(subscription);
    this.#cache.set(socket, subscription);
  }

  /** How many subscribers are connected. */
  count(): number {
    return this.#ctx.getWebSockets(TAG).length;
  }

  /** Sends a log entry to every subscriber that wants it; returns how many got it. */
  broadcast(entry: LogEntry): number {
    let sent = 0;
    for (const socket of this.#ctx.getWebSockets(TAG)) {
      const subscription = this.#subscriptionOf(socket);
      if (subscription && wants(subscription, entry) && send(socket, entry.message)) sent += 1;
    }
    return sent;
  }

  /** Sends a message to every subscriber. */
  announce(message: string): void {
    for (const socket of this.#ctx.getWebSockets(TAG)) send(socket, message);
  }

  #subscriptionOf(socket: WebSocket): Subscription | null {
    let subscription = this.#cache.get(socket);
    if (!subscription) {
      subscription = (socket.deserializeAttachment() as Subscription | null) ?? undefined;
      if (subscription) this.#cache.set(socket, subscription);
    }
    return subscription ?? null;
  }
}

/** Sends on a socket that may be closing; false when it could not. */
export function send(socket: WebSocket, message: string): boolean {
  try {
    socket.send(message);
    return true;
  } catch {
    return false;
  }
}
