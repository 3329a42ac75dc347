// A server-side consumer of the hub in Deno: the bearer secret, exactly-once delivery across reconnects, and
// what to do on downtime and gap. Stops after EXIT_AFTER events if set.
//   HUB_URL=ws://127.0.0.1:4283/events SUBSCRIBER_SECRET=… deno run --allow-env --allow-net demo/examples/hub-deno.ts
import { HubClient } from "../../dist/hub.js"; // or jsr:@crisp-rtm/crisp-rtm/hub once published

const hub = new HubClient({
  url: Deno.env.get("HUB_URL") ?? "",
  bearer: Deno.env.get("SUBSCRIBER_SECRET") ?? "",
  events: ["message:*"],
});
const reconcile = (since?: number, until?: number) =>
  console.log(`reload conversations changed between ${since ?? "?"} and ${until ?? "now"} over REST`);
hub.on("rtm:downtime", ({ since, until }) => reconcile(since, until)); // Crisp never replays what the hub missed
hub.on("rtm:gap", () => reconcile()); // the hub's log no longer holds what this consumer missed
hub.on("rtm:close", ({ error }) => error && console.error(`stopped: ${error.code}`));
await hub.connect();

let left = Number(Deno.env.get("EXIT_AFTER") ?? Number.POSITIVE_INFINITY);
for await (const { name, payload } of hub.events()) {
  console.log(name, payload.session_id, "content" in payload ? payload.content : "");
  if (--left <= 0) hub.close();
}
