// @ts-check
/**
 * Leak probe, run as a child process by test/unit/leaks.test.js and bench/reliability.mjs:
 *   node --expose-gc [--experimental-websocket] test/unit/leak-probe.js '<json options>'
 * It drives one CrispRTM client (the library bundle given in `lib`) against an emulator started by the parent
 * (so the emulator's own memory is not measured): `cycles` drop/reconnect cycles, `pairs` on/off pairs, then
 * `clients` clients created, connected and closed. Before and after, with full garbage collections, it measures
 * the heap, the timers the library has pending, the event listeners it has registered, and (through
 * FinalizationRegistry) how many of its WebSockets, listener functions and clients are still alive. It prints one
 * JSON line with the figures and exits; the parent decides what passes.
 *
 * Timers and listeners are attributed to the library when their immediate caller is in the bundle, so Node's own
 * (undici's, even when the library's `new WebSocket()` starts them) are not counted. The probe holds no strong
 * reference to a listener's target: a target that is collected takes its listeners with it.
 */
import { setTimeout as realSleep } from "node:timers/promises";

/**
 * @typedef {object} ProbeOptions
 * @property {string} lib Path of the library bundle.
 * @property {string} restUrl
 * @property {string} controlUrl
 * @property {string} identifier
 * @property {string} key
 * @property {string} website
 * @property {number} cycles
 * @property {number} pairs
 * @property {number} clients
 */

/** @type {ProbeOptions} */
const options = JSON.parse(process.argv[2] ?? "{}");
const exposedGc = /** @type {{ gc?: () => void }} */ (globalThis).gc;
if (typeof exposedGc !== "function") throw new Error("run the leak probe with --expose-gc");
const gc = exposedGc;
if (typeof WebSocket !== "function")
  throw new Error("no global WebSocket: use Node 22+, or Node 20 with --experimental-websocket");

/** True when the caller of the instrumented function (stack: Error, wrapper, caller) is in the bundle. */
const fromLib = () => ((new Error().stack ?? "").split("\n")[3] ?? "").includes(options.lib);

// Timers created by the library and not yet cleared nor fired.
/** @type {Set<unknown>} */
const liveTimers = new Set();
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
/** @type {any} */ (globalThis).setTimeout = function setTimeout(
  /** @type {(...args: unknown[]) => void} */ fn,
  /** @type {number} */ ms,
  /** @type {unknown[]} */ ...args
) {
  const mine = fromLib();
  /** @type {unknown} */
  let handle;
  handle = realSetTimeout(
    (...callArgs) => {
      liveTimers.delete(handle);
      fn(...callArgs);
    },
    ms,
    ...args,
  );
  if (mine) liveTimers.add(handle);
  return handle;
};
/** @type {any} */ (globalThis).clearTimeout = function clearTimeout(/** @type {any} */ handle) {
  liveTimers.delete(handle);
  realClearTimeout(handle);
};

// Event listeners registered by the library and not removed (targets held weakly).
/** @type {WeakMap<EventTarget, Map<string, Set<unknown>>>} */
const listeners = new WeakMap();
let liveListeners = 0;
/** @type {FinalizationRegistry<Map<string, Set<unknown>>>} */
const forgetTarget = new FinalizationRegistry((byType) => {
  for (const set of byType.values()) liveListeners -= set.size;
});
const realAdd = EventTarget.prototype.addEventListener;
const realRemove = EventTarget.prototype.removeEventListener;
/** @param {string} type @param {any} listener @param {any} [opts] */
EventTarget.prototype.addEventListener = function addEventListener(type, listener, opts) {
  if (listener && fromLib()) {
    let byType = listeners.get(this);
    if (!byType) {
      byType = new Map();
      listeners.set(this, byType);
      forgetTarget.register(this, byType);
    }
    const set = byType.get(type) ?? new Set();
    byType.set(type, set);
    if (!set.has(listener)) {
      set.add(listener);
      liveListeners += 1;
    }
  }
  realAdd.call(this, type, listener, opts);
};
/** @param {string} type @param {any} listener @param {any} [opts] */
EventTarget.prototype.removeEventListener = function removeEventListener(type, listener, opts) {
  if (listeners.get(this)?.get(type)?.delete(listener)) liveListeners -= 1;
  realRemove.call(this, type, listener, opts);
};
const listenerCount = () => liveListeners;

// Objects that must be collectable once released.
const alive = { webSockets: 0, listenerFunctions: 0, clients: 0 };
/** @type {FinalizationRegistry<keyof typeof alive>} */
const finalizer = new FinalizationRegistry((kind) => {
  alive[kind] -= 1;
});
/** @param {object} target @param {keyof typeof alive} kind */
const track = (target, kind) => {
  alive[kind] += 1;
  finalizer.register(target, kind);
};
class TrackedWebSocket extends WebSocket {
  /** @param {string | URL} url @param {string | string[]} [protocols] */
  constructor(url, protocols) {
    super(url, protocols);
    track(this, "webSockets");
  }
}

const lib = await import(options.lib);

async function settle() {
  for (let i = 0; i < 4; i += 1) {
    await realSleep(20);
    gc();
  }
  await realSleep(20);
}

async function snapshot() {
  await settle();
  /** @type {Record<string, number>} */
  const resources = {};
  for (const name of process.getActiveResourcesInfo()) resources[name] = (resources[name] ?? 0) + 1;
  return {
    heapUsed: process.memoryUsage().heapUsed,
    timers: liveTimers.size,
    listeners: listenerCount(),
    alive: { ...alive },
    resources,
  };
}

/** @param {string} op @param {unknown} [body] */
async function control(op, body = {}) {
  const response = await fetch(`${options.controlUrl}/${op}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${op}: ${response.status}`);
  return response.json();
}

/** @param {any} rtm @param {string} name @param {number} [ms] */
function next(rtm, name, ms = 5000) {
  return new Promise((resolve, reject) => {
    const timer = realSetTimeout(() => reject(new Error(`no ${name} within ${ms} ms`)), ms);
    const off = rtm.on(name, (/** @type {unknown} */ value) => {
      realClearTimeout(timer);
      off();
      resolve(value);
    });
  });
}

/** @param {Record<string, unknown>} [extra] */
function newClient(extra = {}) {
  return new lib.CrispRTM({
    identifier: options.identifier,
    key: options.key,
    restBase: options.restUrl,
    rooms: [options.website],
    reconnect: { initialDelayMs: 10, maxDelayMs: 50, stableAfterMs: 0 },
    bindIntervalMs: 20,
    WebSocket: TrackedWebSocket,
    ...extra,
  });
}

/** @param {any} client */
async function dropAndReconnect(client) {
  const ready = next(client, "rtm:ready");
  await control("drop");
  await ready;
}

/** @param {any} client @param {number} count */
async function cycles(client, count) {
  for (let i = 0; i < count; i += 1) await dropAndReconnect(client);
}

/** @param {any} client @param {number} count */
function onOffPairs(client, count) {
  const names = lib.eventsForTier("plugin").filter((/** @type {string} */ name) => name !== "message:send");
  for (let i = 0; i < count; i += 1) {
    const name = names[i % names.length];
    const listener = () => {};
    track(listener, "listenerFunctions");
    if (i % 2 === 0) {
      const off = client.on(name, listener);
      off();
    } else {
      client.on(name, listener);
      client.off(name, listener);
    }
  }
}

/** @param {number} count */
async function wholeClients(count) {
  for (let i = 0; i < count; i += 1) {
    const other = newClient();
    track(other, "clients");
    other.on("message:send", () => {});
    await other.connect();
    other.close();
  }
}

const rtm = newClient();
let delivered = 0;
rtm.on("message:send", () => {
  delivered += 1;
});
await rtm.connect();
const baseFilters = JSON.stringify(rtm.filters);

// Warm-up (JIT, undici's pool, Node's resource timing buffer), then the baseline.
await cycles(rtm, 300);
const before = await snapshot();
const started = Date.now();
await cycles(rtm, options.cycles);
const cyclesMs = Date.now() - started;
const afterCycles = await snapshot();

onOffPairs(rtm, options.pairs);
await realSleep(100);
const afterPairs = await snapshot();
const filtersBack = JSON.stringify(rtm.filters) === baseFilters;
const deliveredBefore = delivered;
const event = next(rtm, "message:send");
await control("inject", {
  event: "message:send",
  website_id: options.website,
  payload: { type: "text", from: "user", origin: "chat", content: "after", user: {} },
});
await event;
await realSleep(50);
const deliveredOnce = delivered - deliveredBefore === 1;

await wholeClients(options.clients);
const afterClients = await snapshot();

rtm.close();
const afterClose = await snapshot();

console.log(
  JSON.stringify({
    cycles: options.cycles,
    pairs: options.pairs,
    clients: options.clients,
    cyclesMs,
    before,
    afterCycles,
    afterPairs,
    afterClients,
    afterClose,
    filtersBack,
    deliveredOnce,
  }),
);
process.exit(0);
