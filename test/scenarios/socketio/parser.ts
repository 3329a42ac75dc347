import { equal } from "../assert.js";
import { waitFor } from "../wait.js";
import { closedWithin, type SocketIOScenario, withServer } from "./context.js";

/**
 * Every string socket.io-parser's own test (`test/parser.js`, "throw an error upon parsing error") says its
 * Decoder must reject, grouped by the error it expects. Our session must turn each into `parse error` and a
 * closed connection, never an exception.
 */
const INVALID_PAYLOADS = [
  '442["some","data"',
  '0/admin,"invalid"',
  "0[]",
  "1/admin,{}",
  '2/admin,"invalid',
  "2/admin,{}",
  '2[{"toString":"foo"}]',
  '2[true,"foo"]',
  '2[null,"bar"]',
  '2["connect"]',
  '2["disconnect","123"]',
];
const ILLEGAL_ATTACHMENTS = ["5", "51", "5a-", "51.23-"];
const UNKNOWN_TYPE = ["999"];

/** Gaps socket.io-parser lets through, which the session guards itself (see the facts file, section 6). */
const GUARDED_GAPS = ["", "2"];

function malformed(payload: string, upstream: string): SocketIOScenario {
  return {
    name: `a malformed packet ${JSON.stringify(payload)} ends the session with parse error`,
    upstream,
    run: (context) =>
      withServer(context, {}, async ({ server, probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("raw", payload);
        const info = await closedWithin(p);
        equal(info.reason, "parse error");
        equal(info.wasConnected, true);
        equal(p.closes.length, 1);
        equal(p.events.length, 0, `the malformed packet produced an event: ${JSON.stringify(p.events)}`);
        // The server sees the close a moment after the client; wait for it (a busy machine can take a while).
        await waitFor(
          async () => (await server.log()).engines[0]?.closedAt,
          3000,
          "the server to see the connection closed",
        );
      }),
  };
}

/** Ports of socket.io-parser's `test/parser.js`, through the session's decoding (README.md has the table). */
export const parserScenarios: SocketIOScenario[] = [
  ...INVALID_PAYLOADS.map((payload) =>
    malformed(payload, "parser.js › throw an error upon parsing error (invalid payload)"),
  ),
  ...ILLEGAL_ATTACHMENTS.map((payload) =>
    malformed(
      payload,
      "parser.js › throw an error upon parsing error (Illegal attachments); decodes a bad binary packet",
    ),
  ),
  ...UNKNOWN_TYPE.map((payload) =>
    malformed(payload, "parser.js › throw an error upon parsing error (unknown packet type 9)"),
  ),
  ...GUARDED_GAPS.map((payload) => malformed(payload, "ours (gaps of the Decoder: empty packet, EVENT without data)")),
  {
    name: "a BINARY_EVENT with 3 attachments (too many) ends the session with parse error",
    upstream: "parser.js › throws an error when receiving too many attachments",
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("attachments", 3);
        const info = await closedWithin(p);
        equal(info.reason, "parse error");
        equal(p.events.length, 0);
      }),
  },
  {
    name: "a binary Engine.IO frame ends the session with parse error",
    upstream:
      "parser.js › throw an error upon parsing error (Unknown type: 999, a non-string input: on the wire, a binary frame)",
    run: (context) =>
      withServer(context, {}, async ({ probe }) => {
        const p = probe();
        await p.connected;
        p.session.send("rawBinary");
        const info = await closedWithin(p);
        equal(info.reason, "parse error");
        equal(p.events.length, 0);
      }),
  },
];
