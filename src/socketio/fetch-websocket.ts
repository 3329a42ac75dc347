/**
 * crisp-rtm/fetch-websocket: a `WebSocket` constructor built on `fetch` + `Upgrade: websocket`, for Cloudflare
 * Workers and Durable Objects (pass `WebSocket: fetchWebSocket()` to `CrispRTM`).
 * @module
 */
import type { WebSocketConstructor } from "./websocket-constructor.js";

/** Options of {@link fetchWebSocket}. */
export interface FetchWebSocketOptions {
  /** The `fetch` that performs the upgrade; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Extra request headers (the reason to use this path: `new WebSocket()` cannot send headers). */
  headers?: Record<string, string>;
}

/** The Cloudflare Workers extension of `Response` that carries an upgraded WebSocket. */
interface UpgradeResponse extends Response {
  webSocket?: (WebSocket & { accept(): void }) | null;
}

/**
 * A `WebSocket` constructor that opens the socket with `fetch(url, { headers: { Upgrade: "websocket" } })` and
 * `response.webSocket.accept()`, Cloudflare Workers' way to open an outbound WebSocket (and the only way to
 * send request headers). Pass it as the `WebSocket` option: `new CrispRTM({ ..., WebSocket: fetchWebSocket() })`.
 * It implements the part of the WebSocket interface a client needs: `binaryType`, `readyState`, `send`,
 * `close` and the `onopen` / `onmessage` / `onerror` / `onclose` handlers.
 */
export function fetchWebSocket(options: FetchWebSocketOptions = {}): WebSocketConstructor {
  // readyState: 0 connecting, 1 open, 2 closing, 3 closed.
  class FetchWebSocket {
    binaryType: BinaryType = "arraybuffer";
    readyState = 0;
    onopen: ((event: Event) => void) | null = null;
    onmessage: ((event: MessageEvent) => void) | null = null;
    onerror: ((event: Event) => void) | null = null;
    onclose: ((event: CloseEvent | { code: number; reason: string; wasClean: boolean }) => void) | null = null;
    readonly url: string;
    #socket: (WebSocket & { accept(): void }) | undefined;

    constructor(url: string) {
      this.url = url;
      (options.fetch ?? fetch)(url.replace(/^ws(s?):/i, "http$1:"), {
        headers: { ...options.headers, Upgrade: "websocket" },
      }).then(
        (response) => this.#accept(response as UpgradeResponse),
        (error: unknown) => this.#failed(error),
      );
    }

    send(data: string | ArrayBuffer | Blob): void {
      const socket = this.#socket;
      if (this.readyState !== 1 || !socket) throw new Error("the WebSocket is not open");
      socket.send(data);
    }

    close(code?: number, reason?: string): void {
      if (this.readyState > 1) return;
      const socket = this.#socket;
      this.readyState = 2;
      if (socket) socket.close(code, reason);
      else this.#closed(code ?? 1000, reason ?? "", true);
    }

    #accept(response: UpgradeResponse): void {
      const socket = response.webSocket;
      if (response.status !== 101 || !socket) {
        this.#failed(new Error(`WebSocket upgrade refused (HTTP ${response.status})`));
        return;
      }
      socket.accept();
      if (this.readyState > 1) {
        socket.close(1000, "closed before open");
        return;
      }
      this.#socket = socket;
      socket.addEventListener("message", (event) => this.onmessage?.(event));
      socket.addEventListener("error", (event) => this.onerror?.(event));
      socket.addEventListener("close", (event) => this.#closed(event.code, event.reason, event.wasClean));
      this.readyState = 1;
      this.onopen?.(new Event("open"));
    }

    #failed(error: unknown): void {
      if (this.readyState > 2) return;
      this.onerror?.(Object.assign(new Event("error"), { error }));
      this.#closed(1006, "", false);
    }

    #closed(code: number, reason: string, wasClean: boolean): void {
      if (this.readyState > 2) return;
      this.readyState = 3;
      this.onclose?.({ code, reason, wasClean });
    }
  }
  return FetchWebSocket as unknown as WebSocketConstructor;
}
