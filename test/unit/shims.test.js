// @ts-check
// The build replaces a few whole modules of engine.io-client, engine.io-parser, socket.io-parser and
// @socket.io/component-emitter with the small modules of src/shims/ (see vite.config.ts; no dependency's text is
// edited). These tests hold each shim to the installed module it replaces, on every input the bundle can give
// it, check that src/socketio/ still uses the dependencies the way the shims assume, run the Socket.IO layer
// built with and without the shims side by side, and check that the published bundle really went without the
// replaced code. They are what guards a dependency update (src/shims/README.md, "Taking an update"). The Deno,
// Node and workerd suites load dist/ too.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { build as esbuild } from "esbuild";
import { build as viteBuild } from "vite";
import * as upstreamParseqs from "../../node_modules/engine.io-client/build/esm/contrib/parseqs.js";
import { parse as upstreamParse } from "../../node_modules/engine.io-client/build/esm/contrib/parseuri.js";
import * as upstreamGlobals from "../../node_modules/engine.io-client/build/esm/globals.js";
import * as upstreamUtil from "../../node_modules/engine.io-client/build/esm/util.js";
import { decodePacket as upstreamDecode } from "../../node_modules/engine.io-parser/build/esm/decodePacket.browser.js";
import { encodePacket as upstreamEncode } from "../../node_modules/engine.io-parser/build/esm/encodePacket.browser.js";
import { hasBinary as upstreamHasBinary } from "../../node_modules/socket.io-parser/build/esm/is-binary.js";
import * as globals from "../../src/shims/engine.io-client-globals.js";
import { transports } from "../../src/shims/engine.io-client-transports.js";
import * as util from "../../src/shims/engine.io-client-util.js";
import { decodePacket, encodePacket, protocol } from "../../src/shims/engine.io-parser.js";
import * as parseqs from "../../src/shims/parseqs.js";
import { parse } from "../../src/shims/parseuri.js";
import { deconstructPacket, reconstructPacket } from "../../src/shims/socket.io-parser-binary.js";
import { hasBinary, isBinary } from "../../src/shims/socket.io-parser-is-binary.js";

const BUNDLE = "dist/crisp-rtm.js";

test("parseuri: the fields socket.js reads match upstream on every origin crisp-rtm builds", () => {
  const endpoints = [
    "wss://app.relay.crisp.chat/p/68/",
    "wss://APP.Relay.Crisp.chat:443/p/68/?x=1#y",
    "https://example.com:8443/socket.io/",
    "ws://127.0.0.1:41235/p/1/",
    "http://localhost:80/",
    "ws://[::1]:9000/p/1/",
    "wss://[2001:db8::1]/p/1/",
    "wss://bücher.example/p/2/",
    "wss://sub.domain.example:65535",
  ];
  for (const endpoint of endpoints) {
    // What parseSocketEndpoint (src/rest/endpoint.ts) gives engine.io-client: scheme + "//" + URL.host.
    const url = new URL(endpoint);
    const origin = `${url.protocol === "https:" || url.protocol === "wss:" ? "wss:" : "ws:"}//${url.host}`;
    const ours = parse(origin);
    const theirs = upstreamParse(origin);
    for (const field of /** @type {const} */ (["host", "protocol", "port", "query"])) {
      assert.equal(ours[field], theirs[field], `${field} of ${origin}`);
    }
  }
});

test("engine.io-parser: text packets encode and decode exactly as upstream", async () => {
  /** @param {any} packet @param {(packet: any, binary: boolean, callback: (data: unknown) => void) => void} encode */
  const encoded = (packet, encode) => new Promise((resolve) => encode(packet, true, resolve));
  const types = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];
  for (const type of types) {
    for (const data of [undefined, "", "probe", '2["message:send",{"a":1}]', "é ✓ 😀"]) {
      const packet = data === undefined ? { type } : { type, data };
      assert.equal(await encoded(packet, encodePacket), await encoded(packet, upstreamEncode), `${type} ${data}`);
    }
  }
  const frames = [
    '0{"sid":"x"}',
    "1",
    "2",
    "3probe",
    "40",
    '42["a",{}]',
    "5",
    "6",
    "7",
    "9x",
    "x",
    "",
    "l",
    "__proto__",
    "constructor",
  ];
  for (const frame of frames) {
    assert.deepEqual(decodePacket(frame), upstreamDecode(frame, "arraybuffer"), JSON.stringify(frame));
  }
  assert.equal(protocol, 4);
});

test("engine.io-parser: binary stays binary (never a string), as upstream, without being decoded", async () => {
  const buffer = new Uint8Array([1, 2, 3]).buffer;
  assert.equal(await new Promise((resolve) => encodePacket({ type: "message", data: buffer }, true, resolve)), buffer);
  assert.deepEqual(decodePacket(buffer), { type: "message", data: buffer });
  for (const frame of ["bAQID", "b", "b!!not base64"]) {
    const ours = decodePacket(frame);
    assert.equal(ours.type, upstreamDecode(frame, "arraybuffer").type);
    assert.equal(ours.type, "message");
    assert.notEqual(typeof ours.data, "string", "a base64 packet must reach the session as non-text");
  }
});

test("socket.io-parser: the packets crisp-rtm encodes carry no binary (so hasBinary's answer is upstream's)", () => {
  const filters = { events: ["message:send", "message:received"], rooms: ["8c842203-7ed8-4e29-a608-7cf78a7d2fcc"] };
  const packets = [
    { type: 2, nsp: "/", data: ["authentication", { username: "id", password: "key", tier: "plugin", ...filters }] },
    { type: 2, nsp: "/", data: ["authentication", { username: "id", password: "key", tier: "user", events: [] }] },
    { type: 2, nsp: "/", data: ["socket:bind", filters] },
    { type: 2, nsp: "/", data: ["socket:bind", { events: ["message:send"] }] },
    { type: 0, nsp: "/" },
    { type: 1, nsp: "/" },
  ];
  for (const packet of packets) assert.equal(hasBinary(packet), upstreamHasBinary(packet));
  assert.equal(isBinary(new ArrayBuffer(1)), false, "the shim never reports binary: the bundle refuses binary before");
  assert.throws(() => deconstructPacket(), /not supported/);
  assert.throws(() => reconstructPacket(), /not supported/);
  assert.deepEqual(Object.keys(transports), []);
});

test("the bundle holds no long-polling, XHR, WebTransport or base64 code", () => {
  const code = readFileSync(BUNDLE, "utf8");
  for (const [what, pattern] of /** @type {const} */ ([
    ["XMLHttpRequest", /XMLHttpRequest/],
    ["WebTransport", /WebTransport/],
    ["FileReader (base64 encoding)", /FileReader/],
    ["the payload separator of long-polling", /fromCharCode\(30\)|\\x1e|\\u001e/],
    ["the URI regex of parseuri", /ipv6uri/],
    ["binary placeholders", /_placeholder/],
  ])) {
    assert.doesNotMatch(code, pattern, `found ${what}`);
  }
});

test("the bundle holds one emitter, and the engine.io-client code crisp-rtm relies on", () => {
  const code = readFileSync(BUNDLE, "utf8");
  assert.doesNotMatch(code, /hasListeners|\.listeners\(/, "found the emitter's mixin and listener queries");
  assert.doesNotMatch(code, /Function\(["'`]return this/, "found the globals fallback chain");
  assert.doesNotMatch(code, /NATIVE_SET_TIMEOUT|useNativeTimers\?/, "found the native timers capture");
  for (const [what, pattern] of /** @type {const} */ ([
    ["the offline listener", /["'`]offline["'`]/],
    ["the offline close", /network connection lost/],
    ["the Engine.IO query", /\.EIO=4/],
    ["the bracketing of IPv6 hosts", /["'`]\[["'`]/],
    ["the heartbeat check", /_hasPingExpired/],
    ["the handshake's `upgrades` check", /\.upgrades/],
  ])) {
    assert.match(code, pattern, `missing ${what}`);
  }
});

test("engine.io-client globals: the same values as the original in this runtime", async () => {
  assert.equal(globals.globalThisShim, upstreamGlobals.globalThisShim);
  assert.equal(globals.globalThisShim, globalThis);
  assert.equal(globals.defaultBinaryType, upstreamGlobals.defaultBinaryType);
  assert.equal(globals.createCookieJar(), upstreamGlobals.createCookieJar());
  // nextTick: a microtask, like the original's (before any timer, in call order with it).
  /** @type {string[]} */
  const order = [];
  const timer = new Promise((resolve) => setTimeout(() => resolve(order.push("timer")), 0));
  upstreamGlobals.nextTick(() => order.push("upstream 1"), setTimeout);
  globals.nextTick(() => order.push("shim 1"), setTimeout);
  upstreamGlobals.nextTick(() => order.push("upstream 2"), setTimeout);
  globals.nextTick(() => order.push("shim 2"), setTimeout);
  order.push("sync");
  await timer;
  assert.deepEqual(order, ["sync", "upstream 1", "shim 1", "upstream 2", "shim 2", "timer"]);
});

test("engine.io-client util: pick and installTimerFunctions as the original; the polling helpers throw", () => {
  const opts = { agent: false, perMessageDeflate: { threshold: 1024 }, path: "/p/1/", inherited: undefined };
  const keys = ["agent", "perMessageDeflate", "pfx", "key", "origin", "path"];
  assert.deepEqual(util.pick(opts, ...keys), upstreamUtil.pick(opts, ...keys));
  assert.deepEqual(
    util.pick(Object.create({ agent: 1 }), "agent"),
    upstreamUtil.pick(Object.create({ agent: 1 }), "agent"),
  );
  // Both bind the global timers current when the Socket is created (crisp-rtm never sets useNativeTimers).
  const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  /** @type {unknown[][]} */
  const calls = [];
  try {
    Object.assign(globalThis, {
      setTimeout(/** @type {unknown[]} */ ...args) {
        calls.push(["set", this === globalThis, ...args]);
        return 7;
      },
      clearTimeout(/** @type {unknown[]} */ ...args) {
        calls.push(["clear", this === globalThis, ...args]);
      },
    });
    for (const install of [util.installTimerFunctions, upstreamUtil.installTimerFunctions]) {
      /** @type {any} */
      const target = {};
      install(target, {});
      calls.push(["returned", target.setTimeoutFn("f", 5)]);
      target.clearTimeoutFn(7);
    }
  } finally {
    Object.assign(globalThis, real);
  }
  assert.deepEqual(calls.slice(0, 3), calls.slice(3));
  assert.deepEqual(calls.slice(0, 3), [
    ["set", true, "f", 5],
    ["returned", 7],
    ["clear", true, 7],
  ]);
  assert.throws(() => util.byteLength("x"), /not part of crisp-rtm/);
  assert.throws(() => util.randomString(), /not part of crisp-rtm/);
});

test("engine.io-client parseqs: encode as the original; decode (never reached) throws", () => {
  for (const query of [
    { EIO: 4, transport: "websocket" },
    {},
    { "a b": "c&d=é", x: "" },
    Object.assign(Object.create({ inherited: 1 }), { own: 2 }),
  ]) {
    assert.equal(parseqs.encode(query), upstreamParseqs.encode(query), JSON.stringify(query));
  }
  assert.throws(() => parseqs.decode("a=1"), /not part of crisp-rtm/);
});

test("src/socketio still uses engine.io-client and socket.io-parser as the shims assume", () => {
  // If this fails after a change in src/socketio/, re-check the shims of src/shims/ (their header comments)
  // against the new usage before changing the expectations here.
  const users = readdirSync("src", { recursive: true, encoding: "utf8" })
    .filter((file) => /\.[cm]?[jt]s$/.test(file) && !file.startsWith(`shims${path.sep}`))
    .filter((file) =>
      /from "(?:engine\.io-client|engine\.io-parser|socket\.io-parser|@socket\.io\/component-emitter)/.test(
        readFileSync(path.join("src", file), "utf8"),
      ),
    );
  assert.deepEqual(users.sort(), [
    path.join("socketio", "session.ts"),
    path.join("socketio", "websocket-transport.ts"),
  ]);
  const session = readFileSync("src/socketio/session.ts", "utf8");
  const transport = readFileSync("src/socketio/websocket-transport.ts", "utf8");
  const imports = (/** @type {string} */ code) =>
    [...code.matchAll(/^import (.*) from "(engine\.io-client|socket\.io-parser)";$/gm)].map(
      (m) => `${m[1]} from ${m[2]}`,
    );
  assert.deepEqual(imports(session), [
    "{ Socket as EngineSocket } from engine.io-client",
    "{ Decoder, Encoder, type Packet, PacketType } from socket.io-parser",
  ]);
  assert.deepEqual(imports(transport), [
    "{ WebSocket as EngineWebSocketTransport, type TransportCtor } from engine.io-client",
  ]);

  const options = /new EngineSocket\(this\.#options\.origin, \{([^}]*)\}\);/.exec(session)?.[1];
  assert.ok(options !== undefined, "the Socket is created from the session's origin with an options literal");
  const entries = Object.fromEntries([...options.matchAll(/(\w+): ([^,\n]+),/g)].map((m) => [m[1], m[2]]));
  assert.deepEqual(entries, {
    path: "this.#options.path",
    transportImplementations: "[transport]",
    upgrade: "false",
    rememberUpgrade: "false",
    closeOnBeforeunload: "false",
    withCredentials: "false",
  });
  assert.doesNotMatch(options, /\.\.\./, "no spread options");

  const members = new Set([...session.matchAll(/\b(?:engine|#engine)\??\.(\w+)\b(?!-)/g)].map((m) => m[1]));
  assert.deepEqual([...members].sort(), ["_hasPingExpired", "binaryType", "close", "off", "on", "readyState", "send"]);
  const events = new Set([...session.matchAll(/\bengine\.(?:on|once)\("([^"]+)"/g)].map((m) => m[1]));
  assert.deepEqual([...events].sort(), ["close", "message", "open"]);
  for (const [, args] of session.matchAll(/engine\??\.send\(([^)]*)\)/g))
    assert.doesNotMatch(args ?? "", /,/, "send(text) only");

  const encoded = new Set([...session.matchAll(/type: PacketType\.(\w+)/g)].map((m) => m[1]));
  assert.deepEqual([...encoded].sort(), ["CONNECT", "DISCONNECT", "EVENT"]);
  assert.match(session, /new Decoder\(\{ maxAttachments: 0 \}\)/);
  assert.match(session, /typeof data !== "string"/, "non-text frames are refused before decoding");
  assert.match(
    session,
    /type === PacketType\.BINARY_EVENT \|\| type === PacketType\.BINARY_ACK/,
    "binary packets are refused before decoding",
  );

  assert.match(transport, /extends EngineWebSocketTransport \{/);
  assert.match(
    transport,
    /override createSocket\(uri: string, protocols: string \| string\[\] \| undefined\): WebSocket \{/,
  );
});

/**
 * @typedef {{ SocketIOSession: new (options: object) => any }} Layer
 * @typedef {{ url: string, sent: unknown[], onopen?: () => void, onmessage?: (event: { data: unknown }) => void,
 *   onerror?: (event: unknown) => void, onclose?: (event: unknown) => void }} FakeSocket
 */

/** The Socket.IO layer twice: through vite.config.ts (with the shims), and straight from the packages. */
async function buildLayers() {
  const out = ".cache/shims-test";
  await viteBuild({
    configFile: "vite.config.ts",
    logLevel: "warn",
    build: {
      outDir: `${out}/shimmed`,
      emptyOutDir: true,
      sourcemap: false,
      minify: false,
      rolldownOptions: { output: { minify: false, postBanner: "" } },
      lib: { entry: "src/socketio/index.ts", formats: ["es"], fileName: () => "index.js" },
    },
  });
  await esbuild({
    entryPoints: ["src/socketio/index.ts"],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["browser", "production"],
    target: "es2022",
    outfile: `${out}/upstream/index.js`,
    logLevel: "warning",
  });
  const shimmed = /** @type {Layer} */ (await import(pathToFileURL(`${out}/shimmed/index.js`).href));
  const upstream = /** @type {Layer} */ (await import(pathToFileURL(`${out}/upstream/index.js`).href));
  return { shimmed, upstream, shimmedCode: readFileSync(`${out}/shimmed/index.js`, "utf8") };
}

const HANDSHAKE = '0{"sid":"e","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Runs one session over an in-memory WebSocket driven by `script`, and logs what the session did and wrote.
 * @param {Layer} layer
 * @param {(context: { ws: FakeSocket, session: any, log: unknown[][] }) => Promise<void>} script
 * @param {{ origin?: string, throwing?: boolean }} [options]
 */
async function runSession(layer, script, { origin = "wss://relay.example", throwing = false } = {}) {
  /** @type {unknown[][]} */
  const log = [];
  /** @type {FakeSocket[]} */
  const sockets = [];
  class FakeWebSocket {
    /** @param {string} url */
    constructor(url) {
      if (throwing) throw new TypeError("refused");
      this.url = url;
      /** @type {unknown[]} */
      this.sent = [];
      this.binaryType = "blob";
      log.push(["new WebSocket", url]);
      sockets.push(/** @type {FakeSocket} */ (/** @type {unknown} */ (this)));
    }
    /** @param {unknown} data */
    send(data) {
      log.push(["sent", data]);
    }
    close() {
      log.push(["WebSocket#close"]);
    }
  }
  const session = new layer.SocketIOSession({
    origin,
    path: "/p/1/",
    WebSocket: FakeWebSocket,
    openTimeoutMs: 200,
    connectTimeoutMs: 200,
    maxPayloadLength: 1000,
  });
  session.on("open", () => log.push(["open"]));
  session.on("connect", (/** @type {string} */ sid) => log.push(["connect", sid]));
  session.on("event", (/** @type {string} */ name, /** @type {unknown[]} */ args) =>
    log.push(["event", name, JSON.stringify(args)]),
  );
  session.on(
    "close",
    (/** @type {{ reason: string, description: string, wasConnected: boolean, cause?: unknown }} */ info) => {
      const { cause } = info;
      const summary =
        cause instanceof Error ? `${cause.name}: ${cause.message}` : cause === undefined ? "none" : typeof cause;
      log.push(["close", info.reason, info.description, info.wasConnected, summary]);
    },
  );
  session.open();
  const ws = sockets[0];
  if (ws) await script({ ws, session, log });
  await tick();
  session.close();
  return log;
}

/** @param {FakeSocket} ws @param {unknown} data */
const deliver = (ws, data) => ws.onmessage?.({ data });

/** @param {FakeSocket} ws */
async function connect(ws) {
  ws.onopen?.();
  deliver(ws, HANDSHAKE);
  await tick();
  deliver(ws, '40{"sid":"s"}');
  await tick();
}

/** @type {Array<[string, (context: { ws: FakeSocket, session: any, log: unknown[][] }) => Promise<void>, { origin?: string, throwing?: boolean }?]>} */
const SCENARIOS = [
  [
    "a normal session: connect, events both ways, ping/pong, polite close",
    async ({ ws, session, log }) => {
      await connect(ws);
      deliver(ws, '42["message:send",{"a":1}]');
      deliver(ws, "2");
      await tick();
      log.push(["send", session.send("socket:bind", { events: ["message:send"] })]);
      await tick();
      session.close();
    },
  ],
  [
    "a close right after a send waits for the drain, then writes DISCONNECT",
    async ({ ws, session, log }) => {
      await connect(ws);
      log.push(["send", session.send("a", 1), session.send("b", 2)]);
      session.close();
      await tick();
      await tick();
    },
  ],
  ...[
    '0{"sid":"e","pingInterval":25000,"pingTimeout":20000}',
    "0{}",
    "0null",
    "0{",
    HANDSHAKE.replace("[]", '["websocket","polling"]'),
  ].map(
    /** @returns {[string, (context: { ws: FakeSocket }) => Promise<void>]} */
    (handshake) => [
      `the handshake ${handshake}`,
      async ({ ws }) => {
        ws.onopen?.();
        deliver(ws, handshake);
        await tick();
      },
    ],
  ),
  ...[
    HANDSHAKE,
    "9",
    "x42[]",
    "1",
    "5",
    "6",
    "3",
    "4",
    "",
    "bAQID",
    '451-["a",{"_placeholder":true,"num":0}]',
    "42[",
    '42["connect"]',
    new Uint8Array([1, 2]).buffer,
  ].map(
    /** @returns {[string, (context: { ws: FakeSocket }) => Promise<void>]} */
    (frame) => [
      `the frame ${typeof frame === "string" ? JSON.stringify(frame) : "(binary)"} once connected`,
      async ({ ws }) => {
        await connect(ws);
        deliver(ws, frame);
      },
    ],
  ),
  [
    "a WebSocket error",
    async ({ ws }) => {
      await connect(ws);
      ws.onerror?.({ type: "error" });
    },
  ],
  [
    "a WebSocket close",
    async ({ ws }) => {
      await connect(ws);
      ws.onclose?.({ code: 1006 });
    },
  ],
  ["a WebSocket that closes before opening", async ({ ws }) => ws.onclose?.({ code: 1006 })],
  [
    "no ping within pingInterval + pingTimeout",
    async ({ ws }) => {
      ws.onopen?.();
      deliver(ws, HANDSHAKE.replace("25000", "5").replace("20000", "5"));
      await new Promise((resolve) => setTimeout(resolve, 40));
    },
  ],
  [
    "a send after the heartbeat expired (timer not fired yet)",
    async ({ ws, session, log }) => {
      ws.onopen?.();
      deliver(ws, HANDSHAKE.replace("25000", "1").replace("20000", "1"));
      deliver(ws, '40{"sid":"s"}');
      const until = Date.now() + 10;
      while (Date.now() < until);
      log.push(["send", session.send("late")]);
      await tick();
    },
  ],
  ["a WebSocket constructor that throws", async () => {}, { throwing: true }],
  ...[
    "ws://127.0.0.1:8080",
    "wss://relay.example:443",
    "wss://relay.example:8443",
    "ws://[::1]:9000",
    "wss://[2001:db8::1]",
    "ws://localhost",
  ].map(
    /** @returns {[string, (context: { ws: FakeSocket }) => Promise<void>, { origin: string }]} */
    (origin) => [`the URL for ${origin}`, async ({ ws }) => connect(ws), { origin }],
  ),
];

test("the Socket.IO layer built with the shims behaves as the one built from the packages", async () => {
  const target = new EventTarget();
  // engine.io-client closes its sockets on the global `offline` event where globals take listeners (browsers).
  Object.assign(globalThis, {
    addEventListener: target.addEventListener.bind(target),
    removeEventListener: target.removeEventListener.bind(target),
  });
  try {
    const { shimmed, upstream, shimmedCode } = await buildLayers();
    assert.doesNotMatch(
      shimmedCode,
      /XMLHttpRequest|ipv6uri|hasListeners|Function\("return this"\)/,
      "the layer under test is the shimmed one",
    );
    /** @type {typeof SCENARIOS} */
    const scenarios = [
      ...SCENARIOS,
      [
        "a browser going offline",
        async ({ ws }) => {
          await connect(ws);
          target.dispatchEvent(new Event("offline"));
        },
      ],
    ];
    for (const [name, script, options] of scenarios) {
      const ours = await runSession(shimmed, script, options ?? {});
      const theirs = await runSession(upstream, script, options ?? {});
      assert.deepEqual(ours, theirs, name);
      assert.ok(theirs.length > 0, name);
    }
    const normal = await runSession(shimmed, /** @type {NonNullable<typeof SCENARIOS[0]>} */ (SCENARIOS[0])[1]);
    assert.deepEqual(normal, [
      ["new WebSocket", "wss://relay.example/p/1/?EIO=4&transport=websocket"],
      ["open"],
      ["sent", "40"],
      ["connect", "s"],
      ["event", "message:send", '[{"a":1}]'],
      ["sent", "3"],
      ["sent", '42["socket:bind",{"events":["message:send"]}]'],
      ["send", true],
      ["sent", "41"],
      ["close", "io client disconnect", "closed by the client", true, "none"],
      ["WebSocket#close"],
    ]);
  } finally {
    Reflect.deleteProperty(globalThis, "addEventListener");
    Reflect.deleteProperty(globalThis, "removeEventListener");
  }
});

test("component-emitter: the shim calls, removes and propagates like the original on what the bundle does", async () => {
  const out = ".cache/shims-test/component-emitter.js";
  await esbuild({
    entryPoints: ["src/shims/component-emitter.ts"],
    bundle: true,
    format: "esm",
    outfile: out,
    logLevel: "warning",
  });
  const { Emitter: Shim } = /** @type {{ Emitter: new () => any }} */ (await import(pathToFileURL(out).href));
  const { Emitter: Original } = /** @type {{ Emitter: new () => any }} */ (
    await import("../../node_modules/@socket.io/component-emitter/lib/esm/index.js")
  );
  /** Runs the same script on an emitter subclass of each, as engine.io-client does (`class extends Emitter`). */
  const run = (/** @type {new () => any} */ Base, /** @type {(e: any, log: unknown[][]) => void} */ script) => {
    const emitter = new (class extends Base {})();
    /** @type {unknown[][]} */
    const log = [];
    script(emitter, log);
    return log;
  };
  /** @type {[string, (e: any, log: unknown[][]) => void][]} */
  const scripts = [
    [
      "chained on, arguments, order",
      (e, log) => {
        const chained = e
          .on("a", (/** @type {unknown[]} */ ...args) => log.push(["1", ...args]))
          .on("a", () => log.push(["2"]));
        log.push(["chained", chained === e]);
        e.emitReserved("a", 1, "x");
        e.emitReserved("b");
      },
    ],
    [
      "once fires once",
      (e, log) => {
        e.once("a", (/** @type {unknown} */ v) => log.push(["once", v]));
        e.on("a", (/** @type {unknown} */ v) => log.push(["on", v]));
        e.emitReserved("a", 1);
        e.emitReserved("a", 2);
      },
    ],
    [
      "off(name, listener), off(name), off()",
      (e, log) => {
        const one = () => log.push(["one"]);
        const two = () => log.push(["two"]);
        e.on("a", one).on("a", two).on("b", one);
        e.off("a", one);
        e.emitReserved("a");
        e.off("a");
        e.emitReserved("a");
        e.emitReserved("b");
        e.off();
        e.emitReserved("b");
        log.push(["chained", e.off("x") === e]);
      },
    ],
    [
      "removeAllListeners(name) and removeAllListeners()",
      (e, log) => {
        e.on("close", () => log.push(["close"])).on("open", () => log.push(["open"]));
        e.removeAllListeners("close");
        e.emitReserved("close");
        e.emitReserved("open");
        e.removeAllListeners();
        e.emitReserved("open");
      },
    ],
    [
      "a throwing listener propagates and stops that emit",
      (e, log) => {
        e.on("a", () => {
          throw new Error("boom");
        });
        e.on("a", () => log.push(["after"]));
        try {
          e.emitReserved("a");
        } catch (error) {
          log.push(["thrown", /** @type {Error} */ (error).message]);
        }
      },
    ],
    [
      "a listener added during an emit waits for the next one",
      (e, log) => {
        e.on("a", () => {
          log.push(["first"]);
          e.on("a", () => log.push(["late"]));
        });
        e.emitReserved("a");
        log.push(["--"]);
        e.off("a");
        e.emitReserved("a");
      },
    ],
  ];
  for (const [name, script] of scripts) assert.deepEqual(run(Shim, script), run(Original, script), name);
});
