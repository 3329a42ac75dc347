// @ts-check
/**
 * Client cost per event without a network, in the page (Chromium): a fake WebSocket answers the handshake like
 * a server, then the benchmark pushes the same Socket.IO `42["message:send",{…}]` frames through its `onmessage`,
 * in bursts of 64 KiB worth of frames with a microtask turn between bursts (like a real WebSocket's reads).
 * bench/run.mjs drives it step by step (open, run, close) to read the renderer's CPU time around each `run`.
 * The Node twin is `cpu` in bench/node-child.mjs.
 */
import { EVENT, openClient } from "./harness.js";

const payload = {
  website_id: "8c842203-7ed8-4e29-a608-7cf78a7d2fcc",
  session_id: "session_00000000-0000-4000-8000-000000000000",
  type: "text",
  from: "user",
  origin: "chat",
  content: "flood message #1",
  user: { nickname: "Flood Visitor", user_id: "session_00000000-0000-4000-8000-000000000000" },
  stamped: true,
  mentions: [],
  fingerprint: 100000000000001,
  timestamp: 1700000000000,
};
const frame = `42${JSON.stringify([EVENT, payload])}`;
/** Frames per burst: 64 KiB worth. */
export const PER_BURST = Math.max(1, Math.floor(65_536 / frame.length));

/**
 * @param {{ lib: any }} options the crisp-rtm bundle
 * @returns {Promise<{ open(kind: string): Promise<void>, run(count: number): Promise<number>, close(count: number): void }>}
 */
export async function fakeSocketCost({ lib }) {
  /** @type {{ onmessage: ((event: { data: string }) => void) | null } | undefined} */
  let current;
  class FakeWebSocket {
    readyState = 0;
    binaryType = "arraybuffer";
    /** @type {((event: unknown) => void) | null} */ onopen = null;
    /** @type {((event: { data: string }) => void) | null} */ onmessage = null;
    /** @type {((event: unknown) => void) | null} */ onclose = null;
    /** @type {((event: unknown) => void) | null} */ onerror = null;
    constructor() {
      current = this;
      setTimeout(() => {
        this.readyState = 1;
        this.onopen?.({});
        this.onmessage?.({
          data: '0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
        });
      }, 0);
    }
    /** @param {string} data */
    send(data) {
      if (data === "40") setTimeout(() => this.onmessage?.({ data: '40{"sid":"n"}' }), 0);
      else if (data.startsWith('42["authentication"'))
        setTimeout(() => this.onmessage?.({ data: '42["authenticated",true]' }), 0);
    }
    close() {
      this.readyState = 3;
    }
  }
  // A second instance of socket.io-client's bundle, loaded while the global WebSocket is the fake one (the
  // engine.io-client inside captures the global when its module loads).
  const real = globalThis.WebSocket;
  globalThis.WebSocket = /** @type {any} */ (FakeWebSocket);
  /** @type {any} */
  let io;
  try {
    const fakeInstance = "../.cache/bench/socket.io-client.js?fake-websocket";
    ({ io } = await import(fakeInstance));
  } finally {
    globalThis.WebSocket = real;
  }
  const token = { identifier: "id", key: "key" };
  const endpoint = "ws://127.0.0.1:9/p/1/";
  /** @type {{ kind: string, client: { close(): void } | undefined, socket: NonNullable<typeof current> | undefined, received: () => number, onEvent: (event: any) => void } | undefined} */
  let state;
  return {
    async open(kind) {
      let received = 0;
      const onEvent = (/** @type {any} */ event) => {
        if (typeof event.fingerprint === "number") received += 1;
      };
      current = undefined;
      const client =
        kind === "raw"
          ? undefined
          : kind === "crisp-rtm"
            ? await openClient(kind, { lib, endpoint, token, onEvent, WebSocket: FakeWebSocket })
            : await openClient(kind, { io, endpoint, token, onEvent });
      // Leftovers of the previous run should not be collected during this one.
      /** @type {any} */ (globalThis).gc?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
      state = { kind, client, socket: current, received: () => received, onEvent };
    },
    /** @returns {Promise<number>} wall milliseconds */
    async run(count) {
      const { kind, socket, onEvent, received } = /** @type {NonNullable<typeof state>} */ (state);
      const started = performance.now();
      if (kind === "raw") {
        // The practical floor: what a hand-written client must do at least (one JSON.parse per frame).
        for (let i = 0; i < count; i += 1) {
          const data = frame;
          if (data.startsWith("42")) {
            const [name, event] = JSON.parse(data.slice(2));
            if (name === EVENT) onEvent(event);
          }
          if (i % PER_BURST === PER_BURST - 1) await null;
        }
      } else {
        const target = /** @type {NonNullable<typeof current>} */ (socket);
        for (let i = 0; i < count; i += 1) {
          target.onmessage?.({ data: frame });
          if (i % PER_BURST === PER_BURST - 1) await null;
        }
        // socket.io-client dispatches each packet in a microtask of its own: those count too.
        for (let turn = 0; received() < count && turn < 10; turn += 1) await Promise.resolve();
      }
      return performance.now() - started;
    },
    close(count) {
      const { kind, client, received } = /** @type {NonNullable<typeof state>} */ (state);
      client?.close();
      state = undefined;
      if (received() !== count) throw new Error(`${kind}: ${received()} of ${count} events`);
    },
  };
}
