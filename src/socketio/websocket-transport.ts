import { WebSocket as EngineWebSocketTransport, type TransportCtor } from "engine.io-client";
import type { WebSocketConstructor } from "./websocket-constructor.js";


/** Called when the WebSocket constructor throws, so the session can fail at once instead of waiting. */
export type ConstructorFailure = (error: unknown) => void;

/** Screens received frames, so hostile input ends the session instead of escaping as an exception. */
export interface FrameGuard {
  /** Called with every frame before Engine.IO decodes it; return false to drop it (the guard ends the session). */
  accept(data: unknown): boolean;
  /** Engine.IO threw while handling a frame (e.g. a handshake packet that is not JSON); the frame is dropped. */
  onReceiveFailure(error: unknown): void;
}

/**
 * An Engine.IO WebSocket transport bound to `ctor` instead of the `WebSocket` global that engine.io-client
 * captures when its module loads. This is what makes the WebSocket implementation injectable. With a `guard`,
 * every received frame is screened first, and an exception thrown while Engine.IO handles a frame is reported to
 * the guard instead of escaping from the WebSocket's `onmessage` (where Node and Deno treat it as uncaught).
 */
export function bindWebSocketTransport(ctor: WebSocketConstructor, onConstructorFailure: ConstructorFailure, guard?: FrameGuard): TransportCtor {
  return class BoundWebSocketTransport extends EngineWebSocketTransport {
    override createSocket(uri: string, protocols: string | string[] | undefined): WebSocket {
      try {
        return protocols ? new ctor(uri, protocols) : new ctor(uri);
      } catch (error) {
        onConstructorFailure(error);
        throw error;
      }
    }

    protected override onData(data: unknown): void {
      if (!guard) {
        super.onData(data);
        return;
      }
      if (!guard.accept(data)) return;
      try {
        super.onData(data);
      } catch (error) {
        guard.onReceiveFailure(error);
      }
    }
  };
}
