// Prints the visitor messages of every website of the token until Ctrl+C. In your own project import
// "jsr:@crisp-rtm/crisp-rtm" (or the file dist/crisp-rtm.js), not "npm:crisp-rtm".
import { CrispRTM } from "../../dist/crisp-rtm.js";

const rtm = new CrispRTM({
  identifier: Deno.env.get("CRISP_IDENTIFIER") ?? "",
  key: Deno.env.get("CRISP_KEY") ?? "",
  restBase: Deno.env.get("CRISP_REST_BASE") ?? "https://api.crisp.chat/v1",
});
rtm.on("message:send", (message) => console.log(`visitor in ${message.session_id}: ${message.content}`));
Deno.addSignalListener("SIGINT", () => rtm.close());
await rtm.connect();
console.log("connected: waiting for visitor messages (Ctrl+C stops)");
