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

/**
 * Parses `value` as the URL `what` names. Its scheme must be `https:` (or `http:`), or, when `socket`, also
 * `wss:` / `ws:`; otherwise throws `invalid_options`. Throws `insecure_endpoint` when it is plaintext (http:,
 * ws:) to a host that is not loopback.
 */
export function parseUrl(value: string, what: string, socket?: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new RTMError("invalid_options", `${what} is not a valid URL`, { cause });
  }
  const scheme = url.protocol;
  if (!(socket ? /^(http|ws)s?:$/ : /^https?:$/).test(scheme)) {
    throw new RTMError("invalid_options", `${what} must use ${socket ? "wss:" : "https:"} (got ${scheme})`);
  }
  if (/^(http|ws):$/.test(scheme) && !isLoopbackHost(url.hostname)) {
    throw new RTMError(
      "insecure_endpoint",
      `${what} uses plaintext ${scheme} to ${url.hostname}; only loopback hosts may skip TLS`,
    );
  }
  return url;
}

/**
 * Parses an RTM endpoint such as Crisp's `data.socket.app` (`wss://app.relay.crisp.chat/p/68/`): keeps the
 * pathname as the Engine.IO path and drops any query or fragment. Plaintext endpoints are refused with
 * `insecure_endpoint` unless their host is loopback.
 */
export function parseSocketEndpoint(value: string, what = "RTM endpoint"): SocketEndpoint {
  const url = parseUrl(value, what, true);
  const origin = `${url.protocol.replace("http", "ws")}//${url.host}`;
  return { origin, path: url.pathname, url: origin + url.pathname };
}
