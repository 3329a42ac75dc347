/**
 * The benchmark clients and measurements, written once for every runtime (Chromium, Deno, workerd, Node with a
 * global WebSocket): plain ESM, no Node API, only `fetch`, `WebSocket`, timers and `performance.now()`.
 *
 * Three clients listen to `message:send` with the same handler (it reads the payload's fingerprint):
 * - "crisp-rtm": the built bundle (`dist/crisp-rtm.js`), `rtm.on("message:send", handler)`.
 * - "socket.io-client": `io(origin, { path, transports: ["websocket"] })`, which emits `authentication` on
 *   `connect` itself and listens with `socket.on("message:send", handler)`.
 * - "raw": a WebSocket speaking Engine.IO 4 / Socket.IO 5 by hand (answers pings, sends `40` and
 *   `authentication`, parses `42[...]` frames with one JSON.parse): the practical limit.
 */

/** The clients compared. */
export const KINDS = ["crisp-rtm", "socket.io-client", "raw"];
/** The event every benchmark listens to. */
export const EVENT = "message:send";

/** @returns {number} milliseconds (workerd advances it on I/O only, which each received frame is) */
const now = () => (typeof performance === "object" ? performance.now() : Date.now());

/**
 * POSTs JSON and returns the JSON answer; throws on an HTTP error.
 * @param {string} url
 * @param {unknown} [body]
 */
export async function post(url, body = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return text === "" ? {} : JSON.parse(text);
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
export function withTimeout(promise, ms, what) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * @typedef {object} ClientOptions
 * @property {any} [lib] The crisp-rtm module (for "crisp-rtm").
 * @property {any} [io] socket.io-client's `io` (for "socket.io-client").
 * @property {string} [endpoint] RTM URL, e.g. `ws://127.0.0.1:1234/p/1/` (skips discovery).
 * @property {string} [restBase] REST base for discovery (crisp-rtm only, when no endpoint).
 * @property {{ identifier: string, key: string }} token
 * @property {(payload: any) => void} onEvent Called with each `message:send` payload.
 * @property {boolean} [reconnect] Let the client reconnect by itself (default false).
 * @property {unknown} [WebSocket] A WebSocket constructor for crisp-rtm (default: the global one).
 */

/**
 * Opens a client of `kind` and resolves once Crisp (the emulator) answered `authenticated`.
 * @param {string} kind
 * @param {ClientOptions} options
 * @returns {Promise<{ close(): void, onDisconnect(listener: () => void): void }>}
 */
export function openClient(kind, options) {
  const open =
    kind === "crisp-rtm"
      ? openCrispRTM
      : kind === "socket.io-client"
        ? openSocketIOClient
        : kind === "raw"
          ? openRaw
          : undefined;
  if (!open) throw new Error(`unknown client kind ${kind}`);
  return withTimeout(open(options), 15_000, `${kind} authentication`);
}

/** @param {ClientOptions} options */
async function openCrispRTM({ lib, endpoint, restBase, token, onEvent, reconnect = false, WebSocket }) {
  const rtm = new lib.CrispRTM({
    identifier: token.identifier,
    key: token.key,
    ...(endpoint ? { endpoint } : { restBase }),
    ...(reconnect ? {} : { reconnect: false }),
    ...(WebSocket ? { WebSocket } : {}),
  });
  rtm.on(EVENT, onEvent);
  await rtm.connect();
  return {
    close: () => rtm.close(),
    onDisconnect: (/** @type {() => void} */ listener) => void rtm.on("rtm:disconnect", listener),
  };
}

/** @param {ClientOptions} options */
function openSocketIOClient({ io, endpoint, token, onEvent, reconnect = false }) {
  const url = new URL(/** @type {string} */ (endpoint));
  const socket = io(url.origin, {
    path: url.pathname,
    transports: ["websocket"],
    reconnection: reconnect,
    forceNew: true,
  });
  socket.on("connect", () => {
    socket.emit("authentication", { username: token.identifier, password: token.key, tier: "plugin", events: [EVENT] });
  });
  socket.on(EVENT, onEvent);
  return new Promise((resolve, reject) => {
    socket.once("authenticated", () =>
      resolve({
        close: () => socket.close(),
        onDisconnect: (/** @type {() => void} */ listener) => void socket.on("disconnect", listener),
      }),
    );
    socket.once("unauthorized", (/** @type {unknown} */ error) =>
      reject(new Error(`unauthorized: ${JSON.stringify(error)}`)),
    );
    if (!reconnect) socket.once("connect_error", (/** @type {Error} */ error) => reject(error));
  });
}

/** @param {ClientOptions} options */
function openRaw({ endpoint, token, onEvent }) {
  const ws = new WebSocket(`${endpoint}?EIO=4&transport=websocket`);
  const authentication = `42${JSON.stringify(["authentication", { username: token.identifier, password: token.key, tier: "plugin", events: [EVENT] }])}`;
  /** @type {(() => void)[]} */
  const onClose = [];
  ws.addEventListener("close", () => {
    for (const listener of onClose) listener();
  });
  return new Promise((resolve, reject) => {
    ws.onmessage = ({ data }) => {
      if (data.startsWith("42")) {
        const [name, payload] = JSON.parse(data.slice(2));
        if (name === EVENT) onEvent(payload);
        else if (name === "authenticated")
          resolve({
            close: () => ws.close(),
            onDisconnect: (/** @type {() => void} */ listener) => void onClose.push(listener),
          });
        else if (name === "unauthorized") reject(new Error("unauthorized"));
      } else if (data === "2") {
        ws.send("3");
      } else if (data.startsWith("40")) {
        ws.send(authentication);
      } else if (data.startsWith("0")) {
        ws.send("40");
      }
    };
    ws.onerror = () => reject(new Error("raw WebSocket error"));
  });
}

/**
 * Throughput of one client: it connects through the bench relay and authenticates; the relay holds what the
 * server sends while the emulator floods `count` events, then releases it all at once. The rate is taken in
 * the listener, from the first event to the last, so it measures what the client (and its runtime's WebSocket)
 * can receive and dispatch, not how fast the emulator produces.
 * @param {{ kind: string, lib?: any, io?: any, relayUrl: string, benchUrl: string, token: { identifier: string, key: string }, count: number }} options
 */
export async function throughput({ kind, lib, io, relayUrl, benchUrl, token, count }) {
  let received = 0;
  let missing = 0;
  let first = 0;
  let last = 0;
  /** @type {() => void} */
  let finished = () => {};
  const done = new Promise((resolve) => (finished = () => resolve(undefined)));
  const onEvent = (/** @type {any} */ payload) => {
    const at = now();
    if (typeof payload.fingerprint !== "number") missing += 1;
    if (received === 0) first = at;
    received += 1;
    if (received === count) {
      last = at;
      finished();
    }
  };
  const client = await openClient(kind, { lib, io, endpoint: relayUrl, token, onEvent });
  // Leftovers of the previous run should not be collected during this one (when the runtime exposes gc()).
  /** @type {any} */ (globalThis).gc?.();
  try {
    await post(`${benchUrl}/hold`);
    const flood = await post(`${benchUrl}/flood`, { count });
    await post(`${benchUrl}/release`);
    await withTimeout(done, 120_000, `${kind}: ${count} events (got ${received})`);
    const ms = last - first;
    return {
      kind,
      count,
      received,
      missing,
      ms,
      rate: ms > 0 ? (count - 1) / (ms / 1000) : Infinity,
      heldBytes: flood.heldBytes,
      floodMs: flood.elapsedMs,
    };
  } finally {
    client.close();
  }
}

/**
 * Connection latency of crisp-rtm: from `new CrispRTM()` to `connect()` resolving (the server's
 * `authenticated`), endpoint discovery over REST included.
 * @param {{ lib: any, restBase: string, token: { identifier: string, key: string } }} options
 */
export async function crispRTMLatency({ lib, restBase, token }) {
  const started = now();
  const rtm = new lib.CrispRTM({ identifier: token.identifier, key: token.key, restBase, reconnect: false });
  rtm.on(EVENT, () => {});
  try {
    await withTimeout(rtm.connect(), 15_000, "crisp-rtm connect");
    return now() - started;
  } finally {
    rtm.close();
  }
}

/**
 * Recovery of a client that reconnects by itself: the emulator's RTM side restarts (`downMs` down) and events are
 * injected every `everyMs` from then on. Returns the time from the restart request to the first event the
 * listener receives after the client saw the disconnect. `open(onEvent)` connects the client under test.
 * @param {(onEvent: () => void) => Promise<{ onDisconnect(listener: () => void): void, close(): void }>} open
 * @param {{ controlUrl: string, websiteId: string, downMs: number, everyMs?: number, what: string }} options
 */
export async function measureRecovery(open, { controlUrl, websiteId, downMs, everyMs = 25, what }) {
  let disconnected = false;
  /** @type {(at: number) => void} */
  let recovered = () => {};
  const back = new Promise((resolve) => (recovered = resolve));
  const client = await open(() => {
    if (disconnected) recovered(now());
  });
  client.onDisconnect(() => (disconnected = true));
  let injecting = true;
  try {
    const started = now();
    const restart = post(`${controlUrl}/restart`, { downMs });
    const injector = (async () => {
      while (injecting) {
        await post(`${controlUrl}/inject`, {
          event: EVENT,
          website_id: websiteId,
          payload: { type: "text", from: "user", content: "recovery probe" },
        }).catch(() => {});
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
    const at = await withTimeout(back, 60_000, what);
    injecting = false;
    await Promise.all([restart, injector]);
    return at - started;
  } finally {
    injecting = false;
    client.close();
  }
}

/**
 * {@link measureRecovery} for one of {@link KINDS}.
 * @param {{ kind: string, lib?: any, io?: any, endpoint?: string, restBase?: string, controlUrl: string, websiteId: string, token: { identifier: string, key: string }, downMs: number, everyMs?: number }} options
 */
export function recovery({ kind, lib, io, endpoint, restBase, controlUrl, websiteId, token, downMs, everyMs = 25 }) {
  const open = (/** @type {() => void} */ onEvent) =>
    openClient(kind, { lib, io, endpoint, restBase, token, onEvent, reconnect: true });
  return measureRecovery(open, { controlUrl, websiteId, downMs, everyMs, what: `${kind} recovery` });
}

/**
 * Runs {@link throughput} for every kind, `runs` times (after `warmup` unrecorded rounds), rotating the order
 * of the kinds from one round to the next.
 * @param {{ runs: number, warmup?: number, lib?: any, io?: any, relayUrl: string, benchUrl: string, token: { identifier: string, key: string }, count: number, kinds?: string[] }} options
 */
export async function throughputSeries(options) {
  const kinds = options.kinds ?? KINDS;
  const samples = [];
  for (let round = -(options.warmup ?? 1); round < options.runs; round += 1) {
    const shift = ((round % kinds.length) + kinds.length) % kinds.length;
    for (const kind of [...kinds.slice(shift), ...kinds.slice(0, shift)]) {
      const sample = await throughput({ ...options, kind });
      if (round >= 0) samples.push(sample);
    }
  }
  return samples;
}
