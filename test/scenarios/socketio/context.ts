import type { CrispRTM, CrispRTMOptions } from "../../../src/index.js";
import type * as Layer from "../../../src/socketio/index.js";
import type { Library } from "../context.js";
import { sleep } from "../wait.js";

/** The Socket.IO layer under test (src/socketio in Chromium, the `.cache/socketio/index.js` bundle elsewhere). */
export type SocketIOLayer = typeof Layer;

/** What a runtime adapter gives the Socket.IO scenarios. */
export interface SocketIOContext {
  /** The Socket.IO layer. */
  layer: SocketIOLayer;
  /** The crisp-rtm module, for the cases about reconnection (the policy lives in `CrispRTM`). */
  lib: Library;
  /** Base URL of the emulator manager (it also starts socket.io test servers). */
  managerUrl: string;
  /** Options every test server of this runtime starts with (e.g. `{ tls: true }`). */
  serverOptions?: Record<string, unknown>;
  /** WebSocket implementation; default `globalThis.WebSocket`. */
  WebSocket?: Layer.WebSocketConstructor;
}

/** One case, written once and run by every runtime's adapter. */
export interface SocketIOScenario {
  name: string;
  /** The upstream case it ports (`file › title`), or `ours` for an addition. */
  upstream: string;
  run(context: SocketIOContext): Promise<void>;
}

/** The modes of `test/support/socketio-test-server.js`. */
export type ServerMode = "normal" | "v2" | "stall-connect" | "middleware-error" | "stall-open" | "refuse";

/** Options of one test server. */
export interface ServerOptions {
  mode?: ServerMode;
  pingInterval?: number;
  pingTimeout?: number;
  openDelayMs?: number;
}

/** What the test server saw (see `SocketIOTestLog` in the server). */
export interface ServerLog {
  requests: number[];
  connectAttempts: number;
  engines: { id: string; openedAt: number; closedAt: number | null; closeReason: string | null; packets: string[] }[];
  sockets: {
    id: string;
    engineId: string;
    auth: Record<string, unknown>;
    events: { name: string; args: unknown[] }[];
    disconnectReason: string | null;
  }[];
}

/** A real socket.io server started through the manager. */
export class TestServer {
  readonly #base: string;
  readonly origin: string;
  readonly path: string;
  readonly url: string;
  readonly deadOrigin: string;

  private constructor(base: string, info: { origin: string; path: string; url: string; deadOrigin: string }) {
    this.#base = base;
    this.origin = info.origin;
    this.path = info.path;
    this.url = info.url;
    this.deadOrigin = info.deadOrigin;
  }

  static async start(managerUrl: string, options: Record<string, unknown>): Promise<TestServer> {
    const response = await fetch(`${managerUrl}/socketio-servers`, { method: "POST", body: JSON.stringify(options) });
    const body = (await response.json()) as {
      id: string;
      origin: string;
      path: string;
      url: string;
      deadOrigin: string;
      error?: string;
    };
    if (!response.ok)
      throw new Error(`the manager could not start a socket.io server: ${body.error ?? response.status}`);
    return new TestServer(`${managerUrl}/socketio-servers/${body.id}`, body);
  }

  /** What the server saw so far. */
  async log(): Promise<ServerLog> {
    const response = await fetch(this.#base);
    return (await response.json()) as ServerLog;
  }

  /** Acts on every open connection: `drop` (transport close), `kick` (DISCONNECT) or `raw` (one message). */
  async control(command: { action: "drop" } | { action: "kick" } | { action: "raw"; text: string }): Promise<number> {
    const response = await fetch(`${this.#base}/control`, { method: "POST", body: JSON.stringify(command) });
    return ((await response.json()) as { connections: number }).connections;
  }

  async stop(): Promise<void> {
    await fetch(this.#base, { method: "DELETE" }).then((response) => response.body?.cancel());
  }
}

type Session = InstanceType<SocketIOLayer["SocketIOSession"]>;
type SessionClose = Layer.SessionClose;

/** A session with everything it emitted recorded, in order. */
export interface Probe {
  session: Session;
  /** `open`, `connect`, `event:<name>` and `close:<reason>`, in emission order. */
  trace: string[];
  events: { name: string; args: unknown[] }[];
  closes: SessionClose[];
  /** Resolves with the sid; rejects if the session ends before connecting. */
  connected: Promise<string>;
  /** Resolves when the session ends. */
  closed: Promise<SessionClose>;
  /** Resolves with the arguments of the next `name` event not yet taken, waiting up to `timeoutMs`. */
  next(name: string, timeoutMs?: number): Promise<unknown[]>;
}

/** Session options a test may override. */
export type ProbeOptions = Partial<Layer.SessionOptions> & { autoOpen?: boolean };

/** Helpers a scenario body receives. */
export interface Harness {
  server: TestServer;
  /** Creates a session to the server (or `options.origin`), records it, and opens it unless `autoOpen: false`. */
  probe(options?: ProbeOptions): Probe;
  /** Creates a CrispRTM client whose endpoint is the server (or `options.endpoint`). */
  client(options?: Partial<CrispRTMOptions>): CrispRTM;
}

/** Generous deadlines for tests that do not test them. */
export const DEFAULT_SESSION = { openTimeoutMs: 5000, connectTimeoutMs: 5000, maxPayloadLength: 1_000_000 } as const;

/** Starts a test server, runs `body`, and always closes sessions, clients and the server. */
export async function withServer(
  context: SocketIOContext,
  options: ServerOptions,
  body: (harness: Harness) => Promise<void>,
): Promise<void> {
  const server = await TestServer.start(context.managerUrl, { ...context.serverOptions, ...options });
  const sessions: Session[] = [];
  const clients: CrispRTM[] = [];
  const harness: Harness = {
    server,
    probe(options = {}) {
      const { autoOpen = true, ...overrides } = options;
      const WebSocketImpl = context.WebSocket ?? globalThis.WebSocket;
      const session = new context.layer.SocketIOSession({
        origin: server.origin,
        path: server.path,
        WebSocket: WebSocketImpl,
        ...DEFAULT_SESSION,
        ...overrides,
      });
      sessions.push(session);
      const probe = record(session);
      if (autoOpen) session.open();
      return probe;
    },
    client(options = {}) {
      const rtm = new context.lib.CrispRTM({
        identifier: "socketio-test",
        key: "not-a-secret",
        endpoint: server.url,
        reconnect: { initialDelayMs: 50, maxDelayMs: 300, stableAfterMs: 0 },
        authTimeoutMs: 3000,
        connectTimeoutMs: 3000,
        ...(context.WebSocket ? { WebSocket: context.WebSocket } : {}),
        ...options,
      });
      rtm.on("rtm:error", () => {});
      clients.push(rtm);
      return rtm;
    },
  };
  try {
    await body(harness);
  } finally {
    for (const session of sessions) session.close();
    for (const rtm of clients) rtm.close();
    await sleep(0);
    await server.stop();
  }
}

function record(session: Session): Probe {
  const trace: string[] = [];
  const events: { name: string; args: unknown[] }[] = [];
  const closes: SessionClose[] = [];
  const taken = new Map<string, number>();
  let onConnect: (sid: string) => void = () => {};
  let onCloseBeforeConnect: (error: Error) => void = () => {};
  let onClose: (info: SessionClose) => void = () => {};
  const connected = new Promise<string>((resolve, reject) => {
    onConnect = resolve;
    onCloseBeforeConnect = reject;
  });
  connected.catch(() => {});
  const closed = new Promise<SessionClose>((resolve) => {
    onClose = resolve;
  });
  session.on("open", () => trace.push("open"));
  session.on("connect", (sid) => {
    trace.push("connect");
    onConnect(sid);
  });
  session.on("event", (name, args) => {
    trace.push(`event:${name}`);
    events.push({ name, args });
  });
  session.on("close", (info) => {
    trace.push(`close:${info.reason}`);
    closes.push(info);
    onCloseBeforeConnect(new Error(`the session ended before connecting: ${info.reason} (${info.description})`));
    onClose(info);
  });
  return {
    session,
    trace,
    events,
    closes,
    connected,
    closed,
    async next(name, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const skip = taken.get(name) ?? 0;
        const found = events.filter((event) => event.name === name)[skip];
        if (found) {
          taken.set(name, skip + 1);
          return found.args;
        }
        if (closes.length > 0) throw new Error(`the session ended (${closes[0]?.reason}) before the event ${name}`);
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the event ${name}`);
        await sleep(10);
      }
    },
  };
}

/** Resolves with the close info, or fails after `timeoutMs`. */
export async function closedWithin(probe: Probe, timeoutMs = 3000): Promise<SessionClose> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the session did not end within ${timeoutMs} ms (trace: ${probe.trace.join(", ")})`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([probe.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
