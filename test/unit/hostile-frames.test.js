// @ts-check
/**
 * Property tests of the Socket.IO session layer against hostile input: fast-check generates ≥ 100,000 frames
 * (valid Socket.IO packets with wrong types, huge payloads, deep nesting, `__proto__` keys, binary attachments,
 * empty packets, unknown event names, Engine.IO control packets, random and mutated strings, binary frames) and
 * a fake in-memory WebSocket delivers them to `SocketIOSession` after a normal Engine.IO handshake and namespace
 * CONNECT. The peer is the frame generator, so an in-memory WebSocket is the right boundary here; the paths
 * through a real server are covered by the fault scenarios (test/scenarios/faults.ts).
 *
 * Checked: no exception escapes the layer (neither out of the WebSocket's `onmessage` nor later, through the
 * process handlers), `Object.prototype` and `Array.prototype` stay untouched, every session ends once with an
 * expected reason (`parse error`, `payload too large`, …) where the input decides it, events come out intact,
 * oversized frames are refused by the configurable `maxPayloadLength`, and the heap stays bounded.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setImmediate as tick } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import v8 from "node:v8";
import vm from "node:vm";
import { build } from "esbuild";
import fc from "fast-check";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BUNDLE = `${ROOT}.cache/hostile/session.js`;
/** Frames to feed at least. */
const MIN_FRAMES = 100_000;
/** The cap under test (small, so that frames around it are cheap to generate). */
const CAP = 16_384;
const HANDSHAKE = '0{"sid":"fuzz","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

/** @type {typeof import("../../src/socketio/session.js").SocketIOSession} */
let SocketIOSession;

/** @returns {() => void} a full garbage collection (with or without --expose-gc). */
function collector() {
  const exposed = /** @type {{ gc?: () => void }} */ (globalThis).gc;
  if (typeof exposed === "function") return exposed;
  v8.setFlagsFromString("--expose-gc");
  return /** @type {() => void} */ (vm.runInNewContext("gc"));
}

/** Errors that reached the process instead of being handled by the layer. */
/** @type {unknown[]} */
const escaped = [];
const onEscape = (/** @type {unknown} */ error) => escaped.push(error);

before(async () => {
  await build({
    entryPoints: [`${ROOT}src/socketio/session.ts`],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser"],
    target: "es2022",
    outfile: BUNDLE,
    logLevel: "warning",
  });
  ({ SocketIOSession } = await import(pathToFileURL(BUNDLE).href));
  process.on("uncaughtException", onEscape);
  process.on("unhandledRejection", onEscape);
});

after(() => {
  process.off("uncaughtException", onEscape);
  process.off("unhandledRejection", onEscape);
});

/**
 * An in-memory WebSocket: opens on the next microtask, sends the Engine.IO handshake, answers the namespace
 * CONNECT, and then delivers whatever the test gives to {@link FakeWebSocket.deliver}, like a browser does (no
 * message after `close()`).
 */
class FakeWebSocket {
  /** @type {FakeWebSocket | undefined} */
  static last;
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.binaryType = "blob";
    /** @type {((event: unknown) => void) | null} */ this.onopen = null;
    /** @type {((event: { data: unknown }) => void) | null} */ this.onmessage = null;
    /** @type {((event: unknown) => void) | null} */ this.onclose = null;
    /** @type {((event: unknown) => void) | null} */ this.onerror = null;
    /** @type {unknown[]} */ this.sent = [];
    FakeWebSocket.last = this;
    queueMicrotask(() => {
      if (this.readyState !== 0) return;
      this.readyState = 1;
      this.onopen?.({ type: "open" });
      this.deliver(HANDSHAKE);
    });
  }

  /** @param {unknown} data */
  send(data) {
    if (this.readyState !== 1) throw new Error("not open");
    this.sent.push(data);
    if (data === "40") queueMicrotask(() => this.deliver('40{"sid":"namespace-sid"}'));
  }

  close() {
    if (this.readyState >= 2) return;
    this.readyState = 3;
    queueMicrotask(() => this.onclose?.({ code: 1000, reason: "", wasClean: true }));
  }

  /**
   * Delivers one frame; returns false when the socket is not open any more.
   * @param {unknown} data
   */
  deliver(data) {
    if (this.readyState !== 1) return false;
    this.onmessage?.({ data });
    return true;
  }
}

/**
 * What a frame must do, when the input decides it: `event` (delivered intact, session open), `open` (no event,
 * session open), `close` (ends the session with `reason`), or `any` (random input: only the invariants hold).
 * @typedef {{ kind: "event", name: string, args: unknown[] | null } | { kind: "open" } | { kind: "close", reason: string } | { kind: "any" }} Expect
 * @typedef {{ data: string | ArrayBuffer, expect: Expect, label: string }} Frame
 */

const RESERVED = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];
const POLLUTERS = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":[1,2]}',
  '{"a":{"__proto__":{"polluted":"yes"}}}',
];
const CLOSE_REASONS = new Set([
  "parse error",
  "payload too large",
  "transport error",
  "transport close",
  "connect error",
  "io server disconnect",
]);

/**
 * A frame; fast-check prints it short (label and the first characters) when it reports a counterexample.
 * @param {string} label @param {string | ArrayBuffer} data @param {Expect} expect @returns {Frame}
 */
const frame = (label, data, expect) => {
  const short =
    typeof data === "string"
      ? `${JSON.stringify(data.slice(0, 60))}${data.length > 60 ? `…(${data.length})` : ""}`
      : `<${data.byteLength} bytes>`;
  return Object.defineProperty({ label, data, expect }, fc.toStringMethod, { value: () => `${label} ${short}` });
};

/**
 * An event frame (`42[...]`), expected to be delivered when it fits under the cap.
 * @param {string} name
 * @param {string[]} argTexts JSON texts of the arguments
 * @param {boolean} [compare] compare the arguments (off for very deep values)
 */
function eventFrame(name, argTexts, compare = true) {
  const data = `42[${[JSON.stringify(name), ...argTexts].join(",")}]`;
  if (data.length > CAP) return frame("oversized event", data, { kind: "close", reason: "payload too large" });
  if (RESERVED.includes(name)) return frame("reserved name", data, { kind: "close", reason: "parse error" });
  return frame("event", data, { kind: "event", name, args: compare ? argTexts.map((text) => JSON.parse(text)) : null });
}

const names = fc.oneof(
  fc.constantFrom(
    "message:send",
    "message:received",
    "session:set_state",
    "authenticated",
    "unauthorized",
    "rtm:ready",
    "*",
  ),
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "__defineGetter__", "", " "),
  fc.constantFrom(...RESERVED),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
);

const jsonText = fc.oneof(
  { weight: 5, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.constantFrom(...POLLUTERS) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("null", "true", "0", '""', "[]", "{}", "-1e308", "1e400", '"\\u0000"', '"\\ud800"'),
  },
);

/** Valid event frames with any names and arguments. */
const events = fc.tuple(names, fc.array(jsonText, { maxLength: 4 })).map(([name, args]) => eventFrame(name, args));

/**
 * An event frame of about `CAP × times + delta` characters.
 * @param {number} delta
 * @param {number} times
 */
function sized(delta, times) {
  const filler = Math.max(0, CAP * times + delta - '42["message:send",{"content":""}]'.length);
  return eventFrame("message:send", [`{"content":"${"x".repeat(filler)}"}`]);
}

/** Payloads just under the cap (delivered). */
const hugeUnder = fc.integer({ min: -64, max: 0 }).map((delta) => sized(delta, 1));
/** Payloads just over and far over the cap (refused). */
const hugeOver = fc
  .tuple(fc.integer({ min: 1, max: 64 }), fc.constantFrom(1, 2, 8))
  .map(([delta, times]) => sized(delta, times));

/** Deeply nested arguments (arrays or objects), some over the cap. */
const deep = fc.tuple(fc.integer({ min: 100, max: 12_000 }), fc.boolean()).map(([depth, arrays]) => {
  const text = arrays ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
  return eventFrame("message:send", [text], false);
});

/** Socket.IO packets of the right syntax carrying the wrong types or shapes. */
const wrongTypes = fc.constantFrom(
  frame("event without data", "42", { kind: "close", reason: "parse error" }),
  frame("event with an object", '42{"a":1}', { kind: "close", reason: "parse error" }),
  frame("event with a string", '42"message:send"', { kind: "close", reason: "parse error" }),
  frame("event with null", "42null", { kind: "close", reason: "parse error" }),
  frame("event with an empty array", "42[]", { kind: "close", reason: "parse error" }),
  frame("event with a numeric name", "42[1,2]", { kind: "close", reason: "parse error" }),
  frame("event with a null name", "42[null]", { kind: "close", reason: "parse error" }),
  frame("event with an object name", '42[{"a":1},2]', { kind: "close", reason: "parse error" }),
  frame("event with bad JSON", '42["message:send"', { kind: "close", reason: "parse error" }),
  frame("event with trailing junk", '42["message:send",{}]x', { kind: "close", reason: "parse error" }),
  frame("event with an ack id", '4217["message:send",{"a":1}]', {
    kind: "event",
    name: "message:send",
    args: [{ a: 1 }],
  }),
  frame("event for another namespace", '42/admin,["message:send",{}]', { kind: "open" }),
  frame("ack", "43[1,2]", { kind: "open" }),
  frame("ack with an id", '437["x"]', { kind: "open" }),
  frame("CONNECT again", '40{"sid":"again"}', { kind: "open" }),
  frame("CONNECT without sid again", "40", { kind: "open" }),
  frame("CONNECT to another namespace", '40/admin,{"sid":"x"}', { kind: "open" }),
  frame("CONNECT with an array", "40[1]", { kind: "close", reason: "parse error" }),
  frame("CONNECT_ERROR", '44{"message":"refused"}', { kind: "close", reason: "connect error" }),
  frame("CONNECT_ERROR as a string", '44"refused"', { kind: "close", reason: "connect error" }),
  frame("CONNECT_ERROR with an array", "44[1]", { kind: "close", reason: "parse error" }),
  frame("DISCONNECT", "41", { kind: "close", reason: "io server disconnect" }),
  frame("DISCONNECT with data", "41{}", { kind: "close", reason: "parse error" }),
  frame("DISCONNECT of another namespace", "41/admin,", { kind: "open" }),
  frame("unknown Socket.IO type", "47[]", { kind: "close", reason: "parse error" }),
  frame("Socket.IO type out of range", "4:[]", { kind: "close", reason: "parse error" }),
);

/** Binary attachments and frames: refused (Crisp sends no binary). */
const binary = fc.oneof(
  fc.constantFrom(
    frame("binary event", '451-["message:send",{"_placeholder":true,"num":0}]', {
      kind: "close",
      reason: "parse error",
    }),
    frame("binary event polluting", '451-["message:send",{"__proto__":{"_placeholder":true,"num":0}}]', {
      kind: "close",
      reason: "parse error",
    }),
    frame("binary ack", '461-[{"_placeholder":true,"num":0}]', { kind: "close", reason: "parse error" }),
    frame("binary event, bad count", '45x-["e"]', { kind: "close", reason: "parse error" }),
    frame("binary event, no count", "45", { kind: "close", reason: "parse error" }),
    frame("base64 binary", "bAQID", { kind: "close", reason: "parse error" }),
    frame("bad base64 binary", "b!!!!", { kind: "close", reason: "parse error" }),
  ),
  fc
    .uint8Array({ maxLength: 64 })
    .map((bytes) => frame("binary frame", new Uint8Array(bytes).buffer, { kind: "close", reason: "parse error" })),
);

/** Empty packets and Engine.IO control packets. */
const control = fc.constantFrom(
  frame("empty frame", "", { kind: "close", reason: "transport error" }),
  frame("empty message", "4", { kind: "close", reason: "parse error" }),
  frame("ping", "2", { kind: "open" }),
  frame("ping with data", "2probe", { kind: "open" }),
  frame("pong", "3", { kind: "open" }),
  frame("noop", "6", { kind: "open" }),
  frame("upgrade", "5", { kind: "open" }),
  frame("close packet", "1", { kind: "open" }),
  frame("unknown Engine.IO type", "9", { kind: "close", reason: "transport error" }),
  frame("letter type", "x42[]", { kind: "close", reason: "transport error" }),
  frame("second handshake", HANDSHAKE, { kind: "close", reason: "parse error" }),
  frame("handshake with bad JSON", "0{", { kind: "close", reason: "parse error" }),
  frame("handshake with null", "0null", { kind: "close", reason: "parse error" }),
  frame("handshake without fields", "0{}", { kind: "close", reason: "parse error" }),
  frame("handshake polluting", '0{"__proto__":{"polluted":"yes"},"upgrades":[]}', {
    kind: "close",
    reason: "parse error",
  }),
);

/** Random strings, with or without an Engine.IO message prefix. */
const random = fc
  .oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: "binary", maxLength: 80 }),
    fc.string({ maxLength: 60 }).map((s) => `4${s}`),
    fc.string({ maxLength: 60 }).map((s) => `42${s}`),
  )
  .map((data) =>
    frame("random", data, data.length > CAP ? { kind: "close", reason: "payload too large" } : { kind: "any" }),
  );

/** Valid frames mutated: a character deleted, replaced or inserted, a cut, a repeated slice. */
const mutated = fc
  .tuple(
    fc.oneof(events, wrongTypes, control),
    fc.nat(),
    fc.nat(),
    fc.string({ unit: "binary", minLength: 1, maxLength: 3 }),
    fc.integer({ min: 0, max: 4 }),
  )
  .map(([base, i, j, text, op]) => {
    const data = typeof base.data === "string" ? base.data : "42[]";
    const at = data.length === 0 ? 0 : i % data.length;
    const to = data.length === 0 ? 0 : j % (data.length + 1);
    const next =
      [
        data.slice(0, at) + data.slice(at + 1),
        data.slice(0, at) + text + data.slice(at + 1),
        data.slice(0, at) + text + data.slice(at),
        data.slice(0, Math.max(at, to)),
        data.slice(0, to) + data.slice(Math.min(at, to), to) + data.slice(to),
      ][op] ?? data;
    return frame(
      `mutated ${base.label}`,
      next,
      next.length > CAP ? { kind: "close", reason: "payload too large" } : { kind: "any" },
    );
  });

/** @param {Frame} f */
const staysOpen = (f) => f.expect.kind === "event" || f.expect.kind === "open";

/** Frames a session survives: events of any name and shape (deep, near the cap), pings, acks, other namespaces. */
const benign = fc.oneof(
  { weight: 12, arbitrary: events.filter(staysOpen) },
  { weight: 1, arbitrary: hugeUnder },
  { weight: 1, arbitrary: deep.filter(staysOpen) },
  { weight: 2, arbitrary: fc.oneof(wrongTypes, control).filter(staysOpen) },
);

/** Any frame, hostile ones first. */
const anyFrame = fc.oneof(
  { weight: 2, arbitrary: events },
  { weight: 1, arbitrary: hugeOver },
  { weight: 1, arbitrary: deep },
  { weight: 2, arbitrary: wrongTypes },
  { weight: 1, arbitrary: binary },
  { weight: 2, arbitrary: control },
  { weight: 2, arbitrary: random },
  { weight: 3, arbitrary: mutated },
);

/**
 * One session's input: a run of frames it must survive, then a few of any kind (most end it). A session that
 * survives everything is closed by the test.
 */
const frames = fc
  .tuple(fc.array(benign, { minLength: 8, maxLength: 40 }), fc.array(anyFrame, { minLength: 1, maxLength: 4 }))
  .map(([survivable, rest]) => [...survivable, ...rest]);

/** Counters across the whole run. */
const stats = { runs: 0, fed: 0, events: 0, closes: /** @type {Record<string, number>} */ ({}), bytes: 0 };

/**
 * Opens a session over a fake socket, feeds `input`, and checks every frame's outcome.
 * @param {Frame[]} input
 */
async function feed(input) {
  const session = new SocketIOSession({
    origin: "wss://fuzz.invalid",
    path: "/p/1/",
    WebSocket: /** @type {any} */ (FakeWebSocket),
    openTimeoutMs: 60_000,
    connectTimeoutMs: 60_000,
    maxPayloadLength: CAP,
  });
  /** @type {[string, unknown[]][]} */
  const events = [];
  /** @type {import("../../src/socketio/close-reason.js").SessionClose[]} */
  const closes = [];
  session.on("event", (name, args) => {
    assert.equal(typeof name, "string");
    assert.ok(Array.isArray(args));
    events.push([name, args]);
  });
  session.on("close", (info) => closes.push(info));
  session.open();
  const ws = /** @type {FakeWebSocket} */ (FakeWebSocket.last);
  try {
    await check(session, ws, input, events, closes);
  } finally {
    if (!session.closed) session.close();
  }
  await tick();
  assert.equal(closes.length, 1, "the session reports its end exactly once");
  const reason = /** @type {string} */ (closes[0]?.reason);
  stats.closes[reason] = (stats.closes[reason] ?? 0) + 1;
  stats.events += events.length;
  assert.equal(ws.readyState, 3, "the socket is closed");
}

/**
 * Feeds `input` to an opened session and checks what each frame did.
 * @param {import("../../src/socketio/session.js").SocketIOSession} session
 * @param {FakeWebSocket} ws
 * @param {Frame[]} input
 * @param {[string, unknown[]][]} events
 * @param {import("../../src/socketio/close-reason.js").SessionClose[]} closes
 */
async function check(session, ws, input, events, closes) {
  for (let i = 0; i < 5 && !session.connected; i += 1) await tick();
  assert.equal(session.connected, true, "the fake handshake connects the session");
  stats.runs += 1;
  for (const { data, expect, label } of input) {
    if (session.closed) break;
    const before = events.length;
    try {
      ws.deliver(data);
    } catch (error) {
      assert.fail(
        `an exception escaped the session layer on ${label} ${JSON.stringify(String(data).slice(0, 120))}: ${String(error)}`,
      );
    }
    stats.fed += 1;
    stats.bytes += typeof data === "string" ? data.length : data.byteLength;
    const what = `${label}: ${JSON.stringify(typeof data === "string" ? data.slice(0, 120) : "<binary>")}`;
    if (expect.kind === "event") {
      assert.equal(
        session.closed,
        false,
        `${what} closed the session (${closes[0]?.reason}: ${closes[0]?.description})`,
      );
      assert.equal(events.length, before + 1, `${what} was not delivered`);
      const [name, args] = /** @type {[string, unknown[]]} */ (events.at(-1));
      assert.equal(name, expect.name);
      if (expect.args) assert.equal(JSON.stringify(args), JSON.stringify(expect.args), what);
    } else if (expect.kind === "open") {
      assert.equal(
        session.closed,
        false,
        `${what} closed the session (${closes[0]?.reason}: ${closes[0]?.description})`,
      );
      assert.equal(events.length, before, `${what} delivered an event`);
    } else if (expect.kind === "close") {
      assert.equal(session.closed, true, `${what} did not end the session`);
      assert.equal(closes[0]?.reason, expect.reason, `${what}: ${closes[0]?.description}`);
      assert.equal(events.length, before, `${what} delivered an event`);
    } else if (session.closed) {
      assert.ok(CLOSE_REASONS.has(closes[0]?.reason ?? ""), `${what} ended the session with ${closes[0]?.reason}`);
    }
    if (events.length > before)
      assert.ok(typeof data === "string" && data.startsWith("42"), `${what} produced an event`);
  }
}

const PROTOTYPES = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const snapshot = () => PROTOTYPES.map((proto) => Reflect.ownKeys(proto).map(String).sort().join(","));

test(`≥ ${MIN_FRAMES.toLocaleString("en")} hostile frames through the session layer: no escape, no pollution, bounded heap`, async () => {
  const gc = collector();
  const prototypes = snapshot();
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  /** @type {number[]} */
  const heap = [];
  const started = Date.now();
  for (let round = 0; stats.fed < MIN_FRAMES; round += 1) {
    await fc.assert(fc.asyncProperty(frames, feed), { numRuns: 500, seed: seed + round, endOnFailure: true });
    await tick();
    gc();
    heap.push(process.memoryUsage().heapUsed);
  }
  const elapsed = Date.now() - started;
  assert.deepEqual(escaped, [], "errors reached the process");
  assert.deepEqual(snapshot(), prototypes, "a prototype changed");
  assert.equal(/** @type {Record<string, unknown>} */ ({}).polluted, undefined);
  assert.equal(/** @type {Record<string, unknown>} */ (/** @type {unknown} */ ([])).polluted, undefined);
  // Bounded: after the first round (module and JIT warm-up), the heap does not grow with the number of frames.
  const settled = heap.slice(1);
  const growth = Math.max(...settled) - (settled[0] ?? 0);
  const mb = (/** @type {number} */ n) => (n / 2 ** 20).toFixed(2);
  console.log(
    `hostile frames: ${stats.fed} fed (${mb(stats.bytes)} MB) in ${stats.runs} sessions, seed ${seed}, ${elapsed} ms; ` +
      `${stats.events} events delivered; session ends ${JSON.stringify(stats.closes)}; ` +
      `heap after each round (MB) ${heap.map(mb).join(" ")}; growth after warm-up ${mb(growth)} MB`,
  );
  assert.ok(growth < 4 * 2 ** 20, `the heap grew by ${mb(growth)} MB over ${settled.length} rounds`);
  assert.ok(stats.fed >= MIN_FRAMES);
});
