// A server-side consumer of the hub in Node (>= 22, or 20 with --experimental-websocket): the bearer secret,
// exactly-once delivery across reconnects, and what to do on downtime and gap. Stops after EXIT_AFTER events if set.
//   HUB_URL=ws://127.0.0.1:4283/events SUBSCRIBER_SECRET=… node demo/examples/hub-node.mjs
import { HubClient } from "crisp-rtm/hub";

const hub = new HubClient({ url: process.env.HUB_URL, bearer: process.env.SUBSCRIBER_SECRET, events: ["message:*"] });
const reconcile = (since, until) =>
  console.log(`reload conversations changed between ${since ?? "?"} and ${until ?? "now"} over REST`);
hub.on("rtm:downtime", ({ since, until }) => reconcile(since, until)); // Crisp never replays what the hub missed
hub.on("rtm:gap", () => reconcile()); // the hub's log no longer holds what this consumer missed
hub.on("rtm:close", ({ error }) => error && console.error(`stopped: ${error.code}`));
await hub.connect();

let left = Number(process.env.EXIT_AFTER ?? Number.POSITIVE_INFINITY);
for await (const { name, payload } of hub.events()) {
  console.log(name, payload.session_id, payload.content ?? "");
  if (--left <= 0) hub.close();
}
