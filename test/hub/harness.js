// @ts-check
/**
 * Test harness of the Durable Object hub (demo/worker): bundles the Worker the way wrangler would (the
 * `crisp-rtm` import resolved to the built dist/ bundle), runs it in Miniflare (workerd) with the compatibility
 * date and flags of demo/worker/wrangler.jsonc against the Crisp emulator, and opens subscriber WebSockets
 * through Miniflare. Callers outside Miniflare (browsers, web hook senders, benchmarks) reach the Worker on a
 * socket of its own (`Hub.url`), as they do in production: Miniflare's own entry Worker, which stands in front
 * of `dispatchFetch` and `mf.ready`, is not in their way (it would re-negotiate WebSocket compression with its
 * own settings, whatever the hub's flags say).
 *
 * WSS: Miniflare reads NODE_EXTRA_CA_CERTS when its module loads, so `trustEmulatorCA()` must run before the
 * first `startHub()` (miniflare is imported lazily for that reason).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { ensureCerts } from "../../emulator/tls.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DIST = `${ROOT}dist/crisp-rtm.js`;
// HUB_ENTRY: another copy of the Worker's sources (the benchmark measures the hub as it was with it).
const ENTRY = process.env.HUB_ENTRY ?? `${ROOT}demo/worker/src/index.ts`;
const BUNDLE = `${ROOT}.cache/workerd-hub/${process.env.HUB_ENTRY ? `other-${process.pid}` : "hub"}.js`;

/**
 * `compatibility_date` and `compatibility_flags` of demo/worker/wrangler.jsonc, so the hub runs here as it is
 * deployed (the flags decide, for one, whether subscriber sockets are compressed).
 * @returns {Promise<{ compatibilityDate: string, compatibilityFlags: string[] }>}
 */
async function deployedCompatibility() {
  const text = await readFile(`${ROOT}demo/worker/wrangler.jsonc`, "utf8");
  const date = /"compatibility_date":\s*"([^"]+)"/.exec(text)?.[1];
  const flags = /"compatibility_flags":\s*(\[[^\]]*\])/.exec(text)?.[1];
  if (!date) throw new Error("demo/worker/wrangler.jsonc has no compatibility_date");
  return { compatibilityDate: date, compatibilityFlags: flags ? JSON.parse(flags) : [] };
}

/** The bearer secret the tests give the hub. */
export const SUBSCRIBER_SECRET = "test-subscriber-secret-0123456789";

/** @type {Promise<string> | undefined} */
let bundled;

/**
 * Bundles demo/worker/src once per process (esbuild: conditions workerd, worker, browser; `crisp-rtm` → dist).
 * @returns {Promise<string>} the bundle path
 */
export function bundleHub() {
  bundled ??= (async () => {
    if (!existsSync(DIST)) throw new Error("dist/crisp-rtm.js is missing: run `npm run build` first");
    await build({
      entryPoints: [ENTRY],
      bundle: true,
      format: "esm",
      platform: "neutral",
      conditions: ["workerd", "worker", "browser"],
      mainFields: ["browser", "module", "main"],
      target: "es2022",
      alias: {
        "crisp-rtm/webhook": `${ROOT}dist/webhook.js`,
        "crisp-rtm/fetch-websocket": `${ROOT}dist/fetch-websocket.js`,
        "crisp-rtm/recover": `${ROOT}dist/recover.js`,
        "crisp-rtm": DIST,
      },
      external: ["cloudflare:*"],
      outfile: BUNDLE,
      logLevel: "warning",
    });
    return BUNDLE;
  })();
  return bundled;
}

/**
 * Makes workerd trust the emulator's local CA (call before the first `startHub`): points NODE_EXTRA_CA_CERTS
 * at the CA, or at a copy of the certificates it already names with the CA appended.
 * @returns {Promise<string>} the file NODE_EXTRA_CA_CERTS now names
 */
export async function trustEmulatorCA() {
  const certs = await ensureCerts(`${ROOT}.cache/emulator-tls`);
  const current = process.env.NODE_EXTRA_CA_CERTS;
  if (!current || current === certs.caPath) {
    process.env.NODE_EXTRA_CA_CERTS = certs.caPath;
    return certs.caPath;
  }
  const existing = await readFile(current, "utf8").catch(() => "");
  if (existing.includes(certs.ca.trim())) return current;
  const combined = `${ROOT}.cache/workerd-hub/extra-ca.pem`;
  await mkdir(dirname(combined), { recursive: true });
  const temporary = `${combined}.${process.pid}.tmp`;
  await writeFile(temporary, `${existing.trimEnd()}\n${certs.ca}`);
  await rename(temporary, combined);
  process.env.NODE_EXTRA_CA_CERTS = combined;
  return combined;
}

/**
 * @typedef {object} Hub
 * @property {import("miniflare").Miniflare} mf
 * @property {URL} url Where the Worker itself listens on the loopback interface, with no Miniflare entry Worker in
 *   front (for callers outside Miniflare: browsers, web hook senders, benchmarks).
 * @property {(path: string, init?: { method?: string, body?: unknown, auth?: string | null }) => Promise<{ status: number, body: any }>} request
 *   An HTTP call to the Worker; `auth` defaults to the bearer secret (null: none).
 * @property {(query?: string, auth?: string | null) => Promise<Subscriber>} subscribe Opens `GET /events?<query>`.
 * @property {(query?: string, auth?: string | null) => Promise<{ status: number, body: any }>} subscribeRefused
 *   Attempts a subscription that must be refused; resolves with the answer.
 * @property {() => Promise<any>} status `GET /status` with the bearer secret.
 * @property {() => Promise<void>} deploy Restarts the Worker with the same code and settings, as a deploy does:
 *   every instance ends, every WebSocket (subscribers' included) closes, storage stays (needs `deployable`).
 * @property {() => Promise<void>} close
 */

/**
/**
 * Starts the hub in Miniflare.
 * `port` / `host` pin where the Worker listens (`Hub.url`; default: a free loopback port); `persist` is a directory that
 * keeps the Durable Object's storage across a restart (a new `startHub` with the same directory); `deployable`
 * keeps it in a temporary directory of its own, so it outlives {@link Hub.deploy} (Miniflare's default in-memory
 * storage would not).
 * @param {{ emu: { restUrl: string, tokens: { identifier: string, key: string }[] }, vars?: Record<string, string>, port?: number, host?: string, persist?: string, deployable?: boolean }} options
 * @returns {Promise<Hub>}
 */
export async function startHub({ emu, vars = {}, port, host, persist: kept, deployable = false }) {
  const scriptPath = await bundleHub();
  const { Miniflare } = await import("miniflare");
  const token = emu.tokens[0];
  if (!token) throw new Error("the emulator has no token");
  const persist = kept ?? (deployable ? await mkdtemp(join(tmpdir(), "crisp-hub-")) : undefined);
  /** @type {import("miniflare").MiniflareOptions} */
  const options = {
    modules: true,
    scriptPath,
    ...(await deployedCompatibility()),
    durableObjects: { HUB: { className: "CrispHub", useSQLite: true } },
    unsafeDirectSockets: [{ host: host ?? "127.0.0.1", port: port ?? 0 }],
    bindings: {
      CRISP_IDENTIFIER: token.identifier,
      CRISP_KEY: token.key,
      CRISP_REST_BASE: emu.restUrl,
      SUBSCRIBER_SECRET,
      HUB_TEST_ROUTES: "true",
      ...vars,
    },
    ...(persist ? { durableObjectsPersist: persist } : {}),
  };
  const mf = new Miniflare(options);
  await mf.ready;
  const url = await mf.unsafeGetDirectURL();
  // A deploy (setOptions) keeps the Worker where its callers know it.
  options.unsafeDirectSockets = [{ host: url.hostname, port: Number(url.port) }];
  const base = "http://hub.test";
  /** @param {string | null | undefined} auth */
  const headersFor = (auth) => (auth === null ? {} : { Authorization: `Bearer ${auth ?? SUBSCRIBER_SECRET}` });

  /** @type {Hub["request"]} */
  const request = async (path, init = {}) => {
    const response = await mf.dispatchFetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { ...headersFor(init.auth), ...(init.body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: response.status, body };
  };

  /** @param {string} query @param {string | null | undefined} auth */
  const open = (query, auth) =>
    mf.dispatchFetch(`${base}/events${query ? `?${query}` : ""}`, {
      headers: { Upgrade: "websocket", ...headersFor(auth) },
    });

  return {
    mf,
    url,
    request,
    subscribe: async (query = "", auth) => {
      const response = await open(query, auth);
      if (response.status !== 101 || !response.webSocket)
        throw new Error(`subscription refused: ${response.status} ${await response.text()}`);
      return new Subscriber(response.webSocket);
    },
    subscribeRefused: async (query = "", auth) => {
      const response = await open(query, auth);
      if (response.webSocket) {
        response.webSocket.accept();
        response.webSocket.close();
        throw new Error("the subscription was accepted");
      }
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },
    status: async () => (await request("/status")).body,
    deploy: async () => {
      if (!persist) throw new Error("startHub({ deployable: true }) or a persist directory is needed to deploy");
      await mf.setOptions(options);
    },
    close: async () => {
      await mf.dispose();
      if (persist && !kept) await rm(persist, { recursive: true, force: true });
    },
  };
}

/** One subscriber: every message it received, parsed, in order. */
export class Subscriber {
  /** @type {any[]} */
  messages = [];
  /** @type {number[]} */
  receivedAt = [];
  closed = false;
  /** How many `event` messages arrived (batched ones included). */
  eventCount = 0;
  /** @type {any[]} */
  #frames = [];
  /** @type {Set<() => void>} */
  #waiters = new Set();

  /** @param {import("miniflare").WebSocket} socket */
  constructor(socket) {
    this.socket = socket;
    socket.addEventListener("message", (event) => {
      this.receivedAt.push(Date.now());
      const message = JSON.parse(String(event.data));
      this.messages.push(message);
      for (const frame of message.type === "batch" ? message.frames : [message]) {
        this.#frames.push(frame);
        if (frame.type === "event") this.eventCount += 1;
      }
      for (const waiter of this.#waiters) waiter();
    });
    socket.addEventListener("close", () => {
      this.closed = true;
      for (const waiter of this.#waiters) waiter();
    });
    socket.accept();
  }

  /** @returns {any[]} the messages with the frames of every `batch` (protocol 2) in their place */
  get frames() {
    return this.#frames;
  }

  /** @returns {any[]} the `event` messages (batched ones included) */
  get events() {
    return this.frames.filter((message) => message.type === "event");
  }

  /**
   * Resolves once `predicate(messages)` holds.
   * @param {(messages: any[]) => boolean} predicate
   * @param {string} what for the timeout message
   * @param {number} [timeoutMs]
   */
  waitFor(predicate, what, timeoutMs = 10_000) {
    if (predicate(this.messages)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.messages)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(undefined);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages.slice(-5))}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /** @param {number} count */
  waitForEvents(count, timeoutMs = 10_000) {
    return this.waitFor(() => this.eventCount >= count, `${count} events`, timeoutMs);
  }

  /** Resolves once `live` arrived (the greeting is over). */
  ready() {
    return this.waitFor((messages) => messages.some((m) => m.type === "live"), "the live message");
  }

  /** @param {string} text */
  send(text) {
    this.socket.send(text);
  }

  close() {
    if (!this.closed) this.socket.close(1000, "done");
  }
}

/**
 * Polls `check` until it returns a truthy value.
 * @template T
 * @param {() => Promise<T>} check
 * @param {string} what
 * @param {number} [timeoutMs]
 * @returns {Promise<T>}
 */
export async function eventually(check, what, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The emulator's authenticated upstream connections.
 * @param {{ control: { state(): Promise<any> } }} emu
 * @returns {Promise<any[]>}
 */
export async function upstreamConnections(emu) {
  const state = await emu.control.state();
  return state.connections.filter((/** @type {any} */ connection) => connection.authenticated);
}
