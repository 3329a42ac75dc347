// @ts-check
// crisp-rtm/hub (dist/hub.js) reading the hub's frames, v1 and the batched v2 form (`?protocol=2`), from a
// scripted peer given as the `WebSocket` option: the batch form is what the hub sends once it implements it,
// so this checks the client against the protocol text, frame by frame. The behaviour against the real hub is
// tested by the shared scenarios (test/scenarios/hub.ts) in Chromium, Deno and Node.
import assert from "node:assert/strict";
import { test } from "node:test";

// The built entry, typed by its source (dist/ has no declarations before the build).
/** @type {typeof import("../../src/hub/index.js")} */
const { HubClient } = await import(new URL("../../dist/hub.js", import.meta.url).href);

/** Ends a scripted subscription: the peer closes the socket. */
const DROP = Symbol("drop");

/**
 * A WebSocket whose peer is a script: each connection plays the next list of frames after `open`.
 * @param {unknown[][]} script
 * @param {string[]} urls every URL the client opened
 */
function scriptedSocket(script, urls) {
  return class extends EventTarget {
    readyState = 0;
    /** @param {string} url */
    constructor(url) {
      super();
      urls.push(url);
      const frames = script.shift() ?? [];
      setTimeout(() => {
        this.readyState = 1;
        this.dispatchEvent(new Event("open"));
        for (const frame of frames) {
          if (frame === DROP) {
            this.readyState = 3;
            this.dispatchEvent(Object.assign(new Event("close"), { code: 1006, reason: "" }));
            return;
          }
          this.dispatchEvent(
            Object.assign(new Event("message"), { data: typeof frame === "string" ? frame : JSON.stringify(frame) }),
          );
        }
      }, 1);
    }
    send() {}
    close() {
      this.readyState = 3;
    }
  };
}

/** @param {number} seq @param {number | undefined} protocol */
const hello = (seq, protocol) => ({
  type: "hello",
  seq,
  oldest: 1,
  upstream: "ready",
  filter: { events: null, websites: null },
  scope: null,
  ...(protocol ? { protocol } : {}),
});
/** @param {number} seq @param {number} fingerprint */
const event = (seq, fingerprint) => ({
  type: "event",
  seq,
  name: "message:send",
  websiteId: "w",
  at: 1,
  source: "socket",
  payload: { website_id: "w", session_id: "s", fingerprint },
});

for (const protocol of [1, 2]) {
  test(`hub protocol ${protocol}: every entry once across a resume, downtime reported, the cursor kept`, async () => {
    /** @param {object[]} frames */
    const numbered = (frames) => (protocol === 2 ? [{ type: "batch", frames }] : frames);
    const version = protocol === 2 ? 2 : undefined;
    /** @type {string[]} */
    const urls = [];
    const script = [
      [hello(10, version), { type: "live", seq: 10, replayed: 0 }, ...numbered([event(11, 1), event(12, 2)]), DROP],
      // The next subscription (since=12) replays an entry already delivered, then a downtime and a new event.
      [
        hello(14, version),
        ...numbered([event(12, 2), { type: "downtime", seq: 13, since: 1000, until: 3000, ms: 2000 }, event(14, 3)]),
        { type: "live", seq: 14, replayed: 3 },
      ],
    ];
    /** @type {number[]} */
    const stored = [];
    const hub = new HubClient({
      url: "ws://127.0.0.1:9/events",
      ticket: () => "t1.test",
      WebSocket: /** @type {any} */ (scriptedSocket(script, urls)),
      cursor: { get: () => null, set: (seq) => stored.push(seq) },
    });
    /** @type {number[]} */
    const received = [];
    /** @type {unknown[]} */
    const downtimes = [];
    /** @type {unknown[]} */
    const readies = [];
    hub.on("message:send", (payload) => received.push(Number(payload.fingerprint)));
    hub.on("rtm:downtime", (window) => downtimes.push(window));
    hub.on("rtm:ready", (info) => readies.push(info));
    await hub.connect();
    const deadline = Date.now() + 5000;
    while (readies.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    hub.close();
    assert.deepEqual(received, [1, 2, 3], "each event once");
    assert.deepEqual(downtimes, [{ seq: 13, since: 1000, until: 3000, ms: 2000 }]);
    assert.deepEqual(stored, [11, 12, 13, 14]);
    assert.equal(urls.length, 2);
    assert.match(urls[0] ?? "", /[?&]protocol=2(&|$)/, "asks for the batch form");
    assert.doesNotMatch(urls[0] ?? "", /since=/, "a fresh client starts from now");
    assert.match(urls[1] ?? "", /[?&]since=12(&|$)/, "resumes after the last delivered entry");
    assert.deepEqual(
      readies.map((r) => /** @type {{ reconnected: boolean }} */ (r).reconnected),
      [false, true],
    );
  });
}

test("a malformed batch is reported as protocol_error and delivers nothing of it", async () => {
  /** @type {string[]} */
  const urls = [];
  const script = [
    [
      hello(1, 2),
      { type: "live", seq: 1, replayed: 0 },
      { type: "batch", frames: [event(2, 1), { type: "event", name: "message:send", payload: {} }] },
      event(3, 2),
    ],
  ];
  const hub = new HubClient({
    url: "ws://127.0.0.1:9/events",
    ticket: () => "t1.test",
    WebSocket: /** @type {any} */ (scriptedSocket(script, urls)),
  });
  /** @type {number[]} */
  const received = [];
  /** @type {string[]} */
  const errors = [];
  hub.on("message:send", (payload) => received.push(Number(payload.fingerprint)));
  hub.on("rtm:error", (error) => errors.push(error.code));
  await hub.connect();
  await new Promise((resolve) => setTimeout(resolve, 20));
  hub.close();
  assert.deepEqual(received, [2]);
  assert.deepEqual(errors, ["protocol_error"]);
});

test("options are checked: one credential, a ws:// URL only on this machine", () => {
  assert.throws(() => new HubClient({ url: "ws://127.0.0.1/events" }), { code: "invalid_options" });
  assert.throws(() => new HubClient({ url: "ws://127.0.0.1/events", ticket: () => "t", bearer: "s" }), {
    code: "invalid_options",
  });
  assert.throws(() => new HubClient({ url: "ws://hub.example.com/events", bearer: "s" }), {
    code: "insecure_endpoint",
  });
  assert.throws(() => new HubClient({ url: "wss://hub.example.com/events?ticket=x", bearer: "s" }), {
    code: "invalid_options",
  });
  assert.ok(new HubClient({ url: "https://hub.example.com/events", bearer: "s" }));
});
