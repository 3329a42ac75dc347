import { RTMError } from "../core/errors.js";
import { isLoopbackHost } from "./loopback.js";

/** Where a Socket.IO session connects: the WebSocket origin and the Engine.IO path. */
export interface SocketEndpoint {
  /** `wss://host[:port]` (or `ws://` for a loopback host). */
  origin: string;
  /** The Engine.IO path, taken from the endpoint's pathname (Crisp uses paths such as `/p/68/`). */
  path: string;
  /** `origin + path`, without query or fragment. */
  url: string;
}

const SOCKET_SCHEMES: Record<string, string> = { "wss:": "wss:", "https:": "wss:", "ws:": "ws:", "http:": "ws:" };

/**
 * Parses an RTM endpoint such as Crisp's `data.socket.app` (`wss://app.relay.crisp.chat/p/68/`): keeps the
 * pathname as the Engine.IO path and drops any query or fragment. Plaintext endpoints are refused with
 * `insecure_endpoint` unless their host is loopback.
 */
export function parseSocketEndpoint(value: string, what = "RTM endpoint"): SocketEndpoint {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new RTMError("invalid_options", `${what} is not a valid URL`, { cause });
  }
  const scheme = SOCKET_SCHEMES[url.protocol];
  if (!scheme) throw new RTMError("invalid_options", `${what} must use wss: (got ${url.protocol})`);
  assertSecureUrl(url, what);
  const origin = `${scheme}//${url.host}`;
  const path = url.pathname === "" ? "/" : url.pathname;
  return { origin, path, url: origin + path };
}

/** Throws `insecure_endpoint` when `url` is plaintext (http:, ws:) to a host that is not loopback. */
export function assertSecureUrl(url: URL, what: string): void {
  const plaintext = url.protocol === "http:" || url.protocol === "ws:";
  if (plaintext && !isLoopbackHost(url.hostname)) {
    throw new RTMError(
      "insecure_endpoint",
      `${what} uses plaintext ${url.protocol} to ${url.hostname}; only loopback hosts may skip TLS`,
    );
  }
}
