import { WebSocket as EngineWebSocketTransport, type TransportCtor } from "engine.io-client";
import type { WebSocketConstructor } from "./websocket-constructor.js";


/** Called when the WebSocket constructor throws, so the session can fail at once instead of waiting. */
export type ConstructorFailure = (error: unknown) => void;

/**
 * An Engine.IO WebSocket transport bound to `ctor` instead of the `WebSocket` global that engine.io-client
 * captures when its module loads. This is what makes the WebSocket implementation injectable.
 */
export function bindWebSocketTransport(ctor: WebSocketConstructor, onConstructorFailure: ConstructorFailure): TransportCtor {
  return class BoundWebSocketTransport extends EngineWebSocketTransport {
    override createSocket(uri: string, protocols: string | string[] | undefined): WebSocket {
      try {
        return protocols ? new ctor(uri, protocols) : new ctor(uri);
      } catch (error) {
        onConstructorFailure(error);
        throw error;
      }
    }
  };
}
