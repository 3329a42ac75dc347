// @ts-check
// The build replaces a few modules of engine.io-client, engine.io-parser and socket.io-parser with the small
// modules of src/shims/ (see vite.config.ts). These tests hold each shim to the module it replaces, on every
// input the bundle can give it, and check that the published bundle really went without the dropped code.
// The shims are also exercised end to end by the Deno, Node and workerd suites, which load dist/.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse as upstreamParse } from "../../node_modules/engine.io-client/build/esm/contrib/parseuri.js";
import { encodePacket as upstreamEncode } from "../../node_modules/engine.io-parser/build/esm/encodePacket.browser.js";
import { decodePacket as upstreamDecode } from "../../node_modules/engine.io-parser/build/esm/decodePacket.browser.js";
import { hasBinary as upstreamHasBinary } from "../../node_modules/socket.io-parser/build/esm/is-binary.js";
import { transports } from "../../src/shims/engine.io-client-transports.js";
import { decodePacket, encodePacket, protocol } from "../../src/shims/engine.io-parser.js";
import { parse } from "../../src/shims/parseuri.js";
import { hasBinary, isBinary } from "../../src/shims/socket.io-parser-is-binary.js";
import { deconstructPacket, reconstructPacket } from "../../src/shims/socket.io-parser-binary.js";

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
  const frames = ["0{\"sid\":\"x\"}", "1", "2", "3probe", "40", '42["a",{}]', "5", "6", "7", "9x", "x", "", "l", "__proto__", "constructor"];
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
