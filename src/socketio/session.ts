import { Socket as EngineSocket } from "engine.io-client";
import { Decoder, Encoder, type Packet, PacketType } from "socket.io-parser";
import { Emitter } from "../core/emitter.js";
import { serverMessage } from "../core/server-message.js";
import type { SessionClose, SessionCloseReason } from "./close-reason.js";
import type { WebSocketConstructor } from "./websocket-constructor.js";
import { bindWebSocketTransport } from "./websocket-transport.js";

/** How to open one Socket.IO session on namespace `/`. */
export interface SessionOptions {
  /** `wss://host[:port]`. */
  origin: string;
  /** Engine.IO path, e.g. `/socket.io/` or Crisp's `/p/68/`. */
  path: string;
  /** WebSocket implementation. */
  WebSocket: WebSocketConstructor;
  /** Deadline for the Engine.IO handshake (WebSocket open + `0{...}`). */
  openTimeoutMs: number;
  /** Deadline for the server's answer to the namespace CONNECT. */
  connectTimeoutMs: number;
  /** Largest text frame accepted, in UTF-16 code units; larger frames end the session before being parsed. */
  maxPayloadLength: number;
  /** Payload of the CONNECT packet (Socket.IO `auth`), if any. */
  auth?: Record<string, unknown>;
}

/** Events of a {@link SocketIOSession}. */
export type SessionEvents = {
  /** The Engine.IO handshake completed. */
  open: [];
  /** The namespace is connected; `sid` is the Socket.IO session id. */
  connect: [sid: string];
  /** An event packet from the server. */
  event: [name: string, args: unknown[]];
  /** The session ended (emitted exactly once, also for a session that never connected). */
  close: [info: SessionClose];
};

type EngineCloseReason = "transport close" | "transport error" | "ping timeout" | "forced close";

/**
 * Event names Socket.IO reserves. A socket.io server's decoder rejects an EVENT carrying one of them as an
 * invalid payload and drops the whole connection, so `send()` refuses them up front, as socket.io-client does.
 */
const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

/**
 * One Socket.IO (protocol 5) session on namespace `/` over an engine.io-client WebSocket-only socket: it
 * sends CONNECT, guards the handshake and the CONNECT reply with timeouts, decodes packets defensively
 * (binary, malformed or oversized frames end the session with `parse error` / `payload too large`, never an
 * exception) and reports its end exactly once. It never reconnects: a new session is the caller's decision.
 */
export class SocketIOSession {
  readonly #events = new Emitter<SessionEvents>(rethrowLater);
  readonly #options: SessionOptions;
  readonly #encoder = new Encoder();
  readonly #decoder = new Decoder({ maxAttachments: 0 });
  #engine: EngineSocket | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #opened = false;
  #connected = false;
  #closed = false;
  #sid: string | undefined;
  /** The packet the decoder has just emitted (public `add()` + `decoded`), handled once `add()` returns. */
  #decoded: Packet | undefined;
  #heardAt = 0;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.#decoder.on("decoded", (packet: Packet) => {
      this.#decoded = packet;
    });
  }

  /** True once the namespace CONNECT was acknowledged and until the session ends. */
  get connected(): boolean {
    return this.#connected && !this.#closed;
  }

  /** True once the session has ended. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The Socket.IO session id while connected; `undefined` before and once the session has ended. */
  get id(): string | undefined {
    return this.connected ? this.#sid : undefined;
  }

  /** When the last frame (an event, a heartbeat ping, anything) arrived, in ms since epoch; 0 before the first. */
  get lastReceivedAt(): number {
    return this.#heardAt;
  }

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof SessionEvents>(name: K, listener: (...args: SessionEvents[K]) => void): () => void {
    return this.#events.on(name, listener);
  }

  /** Opens the WebSocket. Call once; listeners should be attached first. */
  open(): void {
    if (this.#engine || this.#closed) return;
    let constructorError: unknown;
    const transport = bindWebSocketTransport(this.#options.WebSocket, {
      onConstructorFailure: (error) => {
        constructorError = error;
      },
      accept: (data) => this.#screen(data),
      onReceiveFailure: (cause) => this.#finish("parse error", `malformed Engine.IO packet: ${describe(cause)}`, cause),
    });
    this.#arm(this.#options.openTimeoutMs, "open timeout", "no Engine.IO handshake in time");
    const engine = new EngineSocket(this.#options.origin, {
      path: this.#options.path,
      transportImplementations: [transport],
      upgrade: false,
      rememberUpgrade: false,
      closeOnBeforeunload: false,
      withCredentials: false,
    });
    this.#engine = engine;
    engine.binaryType = "arraybuffer";
    engine.on("open", () => this.#onOpen());
    engine.on("message", (data) => this.#onData(data));
    engine.on("close", (reason, description) => this.#onEngineClose(reason as EngineCloseReason, description));
    if (constructorError !== undefined || engine.readyState === "closed") {
      this.#finish("transport error", `new WebSocket() failed: ${describe(constructorError)}`, constructorError);
    }
  }

  /**
   * Sends an event. Returns false (and sends nothing) when the namespace is not connected or the heartbeat
   * has already expired (a timer that fired late must not write to a dead connection). Throws a `TypeError`
   * for a reserved event name (`connect`, `disconnect`, …), whatever the state, and whatever the encoder
   * throws (a circular payload); nothing is written then.
   */
  send(name: string, ...args: unknown[]): boolean {
    if (RESERVED_EVENTS.has(name)) throw new TypeError(`"${name}" is a reserved event name`);
    const engine = this.#engine;
    // `_hasPingExpired` is engine.io-client's one private API used here (socket.io-client's `emit` makes the same
    // call): no public one says that the heartbeat deadline has passed while its timer has not fired yet (a
    // suspended laptop, a throttled tab), and without it `send()` would report success for a frame written to a
    // dead connection. If a release renames it, this line throws a TypeError on every `send()` (the build's
    // terser pass keeps the name; test/unit/shims.test.js and the session tests fail), and the session must
    // then fall back to `readyState` alone, which misses that window.
    if (!engine || !this.connected || engine._hasPingExpired()) return false;
    this.#write({ type: PacketType.EVENT, nsp: "/", data: [name, ...args] });
    return true;
  }

  /**
   * Ends the session politely (DISCONNECT, then close). Idempotent. `cause`, the caller's reason (e.g. its own
   * deadline), comes back as the `cause` of the `close` event, so the caller needs no record of why it closed.
   */
  close(cause?: unknown): void {
    if (this.#closed) return;
    if (this.connected) this.#write({ type: PacketType.DISCONNECT, nsp: "/" });
    this.#finish("io client disconnect", "closed by the client", cause);
  }

  /**
   * Checks the heartbeat now, for a caller that knows its timers may have been late (a frozen or throttled
   * browser tab): when it is overdue the session ends with `ping timeout` (on the next tick) and this returns
   * false. A private API of engine.io-client (`_hasPingExpired`, the check its own `write` makes): no public
   * one tells an overdue heartbeat before its late timer fires; if it went away, `send()` would break too.
   */
  checkHeartbeat(): boolean {
    return !this.#engine?._hasPingExpired();
  }

  #write(packet: Packet): void {
    for (const encoded of this.#encoder.encode(packet)) this.#engine?.send(encoded);
  }

  #arm(ms: number, reason: SessionCloseReason, description: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#finish(reason, description), ms);
  }

  #onOpen(): void {
    if (this.#opened) {
      // engine.io-client handles a second handshake packet as a new open: CONNECT would be sent again and the
      // CONNECT deadline re-armed on a session that is already connected, which then ends with `connect timeout`.
      this.#finish("parse error", "repeated Engine.IO handshake");
      return;
    }
    this.#opened = true;
    this.#arm(this.#options.connectTimeoutMs, "connect timeout", "no answer to CONNECT in time");
    this.#events.emit("open");
    this.#write(
      this.#options.auth
        ? { type: PacketType.CONNECT, nsp: "/", data: this.#options.auth }
        : { type: PacketType.CONNECT, nsp: "/" },
    );
  }

  /** Every frame passes here before Engine.IO decodes it: the size cap applies to every packet type. */
  #screen(data: unknown): boolean {
    if (this.#closed) return false;
    this.#heardAt = Date.now();
    if (typeof data === "string" && data.length > this.#options.maxPayloadLength) {
      this.#finish("payload too large", `a ${data.length}-character frame (limit ${this.#options.maxPayloadLength})`);
      return false;
    }
    return true;
  }

  #onData(data: unknown): void {
    if (this.#closed) return;
    const type = typeof data === "string" ? data.charCodeAt(0) - 48 : NaN;
    if (typeof data !== "string" || !data || type === PacketType.BINARY_EVENT || type === PacketType.BINARY_ACK) {
      this.#finish("parse error", "an empty or binary packet");
      return;
    }
    try {
      // Binary packet types were refused above, so a text packet is decoded and emitted (`decoded`) at once.
      this.#decoder.add(data);
    } catch (cause) {
      this.#finish("parse error", `malformed packet: ${describe(cause)}`, cause);
      return;
    }
    // Handled outside the try: only the decoder's own exceptions are parse errors.
    const packet = this.#decoded;
    this.#decoded = undefined;
    if (packet) this.#onPacket(packet);
  }

  #onPacket(packet: Packet): void {
    if (packet.nsp !== "/") return;
    switch (packet.type) {
      case PacketType.CONNECT:
        this.#onConnect(packet.data);
        return;
      case PacketType.CONNECT_ERROR:
        this.#finish("connect error", `namespace refused: ${serverMessage(packet.data) ?? "no reason"}`, packet.data);
        return;
      case PacketType.DISCONNECT:
        this.#finish("io server disconnect", "the server disconnected");
        return;
      case PacketType.EVENT:
        this.#onEvent(packet.data);
        return;
      default:
        return;
    }
  }

  #onConnect(data: unknown): void {
    if (this.#connected) return;
    const sid = data && typeof data === "object" && "sid" in data ? data.sid : undefined;
    if (typeof sid !== "string" || sid === "") {
      this.#finish("connect error", "CONNECT answered without a sid (a Socket.IO v2 server?)");
      return;
    }
    clearTimeout(this.#timer);
    this.#connected = true;
    this.#sid = sid;
    this.#events.emit("connect", sid);
  }

  #onEvent(data: unknown): void {
    if (!this.#connected) return;
    if (!Array.isArray(data) || typeof data[0] !== "string") {
      this.#finish("parse error", "an event without a name");
      return;
    }
    this.#events.emit("event", data[0], data.slice(1));
  }

  #onEngineClose(reason: EngineCloseReason, description: unknown): void {
    if (reason === "forced close") return;
    this.#finish(
      reason,
      reason === "ping timeout" ? "no heartbeat in time" : `connection lost: ${describe(description)}`,
      description,
    );
  }

  #finish(reason: SessionCloseReason, description: string, cause?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    const wasConnected = this.#connected;
    this.#connected = false;
    this.#decoder.destroy();
    const engine = this.#engine;
    if (engine) {
      engine.off("open");
      engine.off("message");
      engine.off("close");
      engine.close();
    }
    const info: SessionClose =
      cause === undefined ? { reason, description, wasConnected } : { reason, description, wasConnected, cause };
    this.#events.emit("close", info);
    this.#events.clear();
  }
}

function rethrowLater(error: unknown): void {
  setTimeout(() => {
    throw error;
  }, 0);
}

function describe(value: unknown): string {
  const v = value as { description?: unknown; type?: unknown } | null | undefined;
  return value instanceof Error
    ? value.message
    : v && typeof v === "object" && "description" in v
      ? describe(v.description)
      : typeof v?.type === "string"
        ? `${v.type} event`
        : value === undefined
          ? "no details"
          : String(value).slice(0, 200);
}
