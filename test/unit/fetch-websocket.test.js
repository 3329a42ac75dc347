// @ts-check
// crisp-rtm/fetch-websocket (the built dist/fetch-websocket.js) against an injected `fetch`: the upgrade, the
// relay of messages, and every way it can fail (a network error, a refused upgrade, close() before the upgrade
// answers), each ending in error + close events, never an exception; and a CrispRTM on a failing one gets a typed
// error. The real thing (Cloudflare's fetch + Upgrade) runs in the workerd suite.
import assert from "node:assert/strict";
import { test } from "node:test";

/** @type {typeof import("../../src/socketio/fetch-websocket.js")} */
const { fetchWebSocket } = await import(new URL("../../dist/fetch-websocket.js", import.meta.url).href);
/** @type {typeof import("../../src/index.js")} */
const { CrispRTM, RTMError } = await import(new URL("../../dist/crisp-rtm.js", import.meta.url).href);

/** The upgraded socket of a Workers `Response`: records what is done to it, dispatches events like a WebSocket. */
class UpgradedSocket extends EventTarget {
  accepted = false;
  /** @type {unknown[]} */
  sent = [];
  /** @type {[number | undefined, string | undefined][]} */
  closes = [];
  accept() {
    this.accepted = true;
  }
  /** @param {unknown} data */
  send(data) {
    this.sent.push(data);
  }
  /** @param {number} [code] @param {string} [reason] */
  close(code, reason) {
    this.closes.push([code, reason]);
  }
}

/** A `fetch` answering `answer()` (or rejecting with it), recording the request; `gate` delays the answer. */
function fakeFetch(/** @type {() => unknown} */ answer, gate = Promise.resolve()) {
  /** @type {{ url: string, headers: Record<string, string> }[]} */
  const requests = [];
  const fetch = async (/** @type {string} */ url, /** @type {{ headers: Record<string, string> }} */ init) => {
    requests.push({ url, headers: init.headers });
    await gate;
    return answer();
  };
  return { fetch: /** @type {typeof globalThis.fetch} */ (/** @type {unknown} */ (fetch)), requests };
}

/** Opens one socket and records its handler calls. */
function open(/** @type {typeof globalThis.fetch} */ fetch, headers = {}) {
  const WebSocketClass = fetchWebSocket({ fetch, headers });
  const socket = new WebSocketClass("wss://relay.example/p/1/?EIO=4&transport=websocket");
  /** @type {unknown[][]} */
  const events = [];
  socket.onopen = () => events.push(["open"]);
  socket.onmessage = (event) => events.push(["message", event.data]);
  socket.onerror = (event) =>
    events.push(["error", /** @type {{ error?: Error }} */ (/** @type {unknown} */ (event)).error?.message]);
  socket.onclose = (event) => events.push(["close", event.code, event.wasClean]);
  return { socket, events };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

test("fetch-websocket: upgrades over fetch with the headers, then relays messages both ways", async () => {
  const upgraded = new UpgradedSocket();
  const { fetch, requests } = fakeFetch(() => ({ status: 101, webSocket: upgraded }));
  const { socket, events } = open(fetch, { "X-Trace": "1" });
  assert.equal(socket.readyState, 0);
  assert.throws(() => socket.send("early"), /not open/);
  await settle();
  assert.deepEqual(requests, [
    { url: "https://relay.example/p/1/?EIO=4&transport=websocket", headers: { "X-Trace": "1", Upgrade: "websocket" } },
  ]);
  assert.equal(upgraded.accepted, true);
  assert.equal(socket.readyState, 1);
  upgraded.dispatchEvent(new MessageEvent("message", { data: "2" }));
  socket.send("3");
  assert.deepEqual(upgraded.sent, ["3"]);
  socket.close(1000, "bye");
  assert.deepEqual(upgraded.closes, [[1000, "bye"]]);
  upgraded.dispatchEvent(Object.assign(new Event("close"), { code: 1000, reason: "bye", wasClean: true }));
  assert.deepEqual(events, [["open"], ["message", "2"], ["close", 1000, true]]);
  assert.equal(socket.readyState, 3);
});

test("fetch-websocket: a network error ends in error + close 1006, once", async () => {
  const { fetch } = fakeFetch(() => {
    throw new TypeError("network down");
  });
  const { socket, events } = open(fetch);
  await settle();
  assert.deepEqual(events, [
    ["error", "network down"],
    ["close", 1006, false],
  ]);
  assert.equal(socket.readyState, 3);
  socket.close();
  assert.equal(events.length, 2);
});

test("fetch-websocket: an upgrade the server refuses ends in error + close 1006", async () => {
  const { fetch } = fakeFetch(() => ({ status: 403, webSocket: null }));
  const { events } = open(fetch);
  await settle();
  assert.deepEqual(events, [
    ["error", "WebSocket upgrade refused (HTTP 403)"],
    ["close", 1006, false],
  ]);
});

test("fetch-websocket: close() before the upgrade answers closes the upgraded socket and never opens", async () => {
  const upgraded = new UpgradedSocket();
  /** @type {() => void} */
  let release = () => {};
  const { fetch } = fakeFetch(
    () => ({ status: 101, webSocket: upgraded }),
    new Promise((resolve) => (release = () => resolve(undefined))),
  );
  const { socket, events } = open(fetch);
  socket.close();
  assert.deepEqual(events, [["close", 1000, true]]);
  release();
  await settle();
  assert.equal(upgraded.accepted, true);
  assert.deepEqual(upgraded.closes, [[1000, "closed before open"]]);
  assert.deepEqual(events, [["close", 1000, true]]);
  assert.equal(socket.readyState, 3);
});

test("fetch-websocket: a CrispRTM on a failing fetch gets a typed connection_failed, no crash", async () => {
  const { fetch } = fakeFetch(() => {
    throw new TypeError("network down");
  });
  const rtm = new CrispRTM({
    identifier: "id",
    key: "key",
    endpoint: "ws://127.0.0.1:9/p/1/",
    reconnect: false,
    WebSocket: fetchWebSocket({ fetch }),
  });
  /** @type {string[]} */
  const errors = [];
  rtm.on("rtm:error", (error) => errors.push(error.code));
  const error = await rtm.connect().then(
    () => assert.fail("connect() resolved"),
    (/** @type {unknown} */ reason) => reason,
  );
  assert.ok(error instanceof RTMError);
  assert.equal(error.code, "connection_failed");
  assert.ok(errors.length > 0 && errors.every((code) => code === "connection_failed"), errors.join());
  assert.equal(rtm.state, "closed");
});
