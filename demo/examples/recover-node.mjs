// The README's "Recovery" snippet, runnable: reads back the last minute's messages of every website of a plugin
// token over Crisp's REST API, then connects with `recover: { messages: true }` so every later downtime is
// filled in the same way. Environment: CRISP_IDENTIFIER, CRISP_KEY, and CRISP_REST_BASE (optional; e.g. the
// local emulator's `http://127.0.0.1:<port>/v1`). Stops after CRISP_RUN_MS (default 5000) ms.
// Node 22+ (or Node 20 with --experimental-websocket), from the repository after `npm run build`.
import { CrispRTM } from "../../dist/crisp-rtm.js";
import { recoverMessages } from "../../dist/recover.js";

const identifier = process.env.CRISP_IDENTIFIER ?? "";
const key = process.env.CRISP_KEY ?? "";
const restBase = process.env.CRISP_REST_BASE || undefined;

// 1. One window, on demand: an async iterator of { name, payload }, then a result.
const recovery = recoverMessages({
  identifier,
  key,
  restBase,
  window: { since: Date.now() - 60_000, until: Date.now() },
});
for await (const { name, payload } of recovery) {
  console.log(
    `${name} in ${payload.session_id}: ${typeof payload.content === "string" ? payload.content : payload.type}`,
  );
}
const { count, requests, truncated } = recovery.result;
console.log(`recovered ${count} messages with ${requests} requests${truncated ? " (truncated: raise the caps)" : ""}`);

// 2. Every downtime of a live client, delivered to the same listeners, each message once.
const rtm = new CrispRTM({ identifier, key, restBase, recover: { messages: true } });
rtm.on("message:send", (message) => {
  console.log(`${rtm.isRecovered(message) ? "recovered" : "live"} visitor message in ${message.session_id}`);
});
rtm.on("rtm:recovered", ({ since, until, count, truncated }) => {
  console.log(`downtime ${since}..${until}: ${count} messages recovered${truncated ? " (truncated)" : ""}`);
});
rtm.on("rtm:error", (error) => console.error(`${error.code}: ${error.message}`));
await rtm.connect();
setTimeout(() => rtm.close(), Number(process.env.CRISP_RUN_MS ?? 5000));
