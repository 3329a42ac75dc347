import { WebSocket as EngineWebSocketTransport, type TransportCtor } from "engine.io-client";
import type { WebSocketConstructor } from "./websocket-constructor.js";

/** What the session learns from its transport, so hostile input or a failing constructor ends it cleanly. */
export interface TransportHooks {
  /** The WebSocket constructor threw, so the session can fail at once instead of waiting. */
  onConstructorFailure(error: unknown): void;
  /** Called with every frame before Engine.IO decodes it; return false to drop it (the session ends). */
  accept(data: unknown): boolean;
  /** Engine.IO threw while handling a frame (e.g. a handshake packet that is not JSON); the frame is dropped. */
  onReceiveFailure(error: unknown): void;
}

/**
 * An Engine.IO WebSocket transport bound to `ctor` instead of the `WebSocket` global that engine.io-client
 * captures when its module loads. This is what makes the WebSocket implementation injectable. Every received
 * frame is screened by `hooks.accept` first, and an exception thrown while Engine.IO handles a frame is reported
 * to `hooks.onReceiveFailure` instead of escaping from the WebSocket's `onmessage` (where Node and Deno treat it
 * as uncaught).
 */
export function bindWebSocketTransport(ctor: WebSocketConstructor, hooks: TransportHooks): TransportCtor {
  return class BoundWebSocketTransport extends EngineWebSocketTransport {
    override createSocket(uri: string, protocols: string | string[] | undefined): WebSocket {
      try {
        return protocols ? new ctor(uri, protocols) : new ctor(uri);
      } catch (error) {
        hooks.onConstructorFailure(error);
        throw error;
      }
    }

    protected override onData(data: unknown): void {
      if (!hooks.accept(data)) return;
      try {
        super.onData(data);
      } catch (error) {
        hooks.onReceiveFailure(error);
      }
    }
  };
}
