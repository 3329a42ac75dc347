// Prints the visitor messages of every website of the token until Ctrl+C. Node ≥ 22 (Node 20: add
// --experimental-websocket). Credentials and REST base from the environment (README, "Runnable examples").
import { CrispRTM } from "crisp-rtm";

const rtm = new CrispRTM({
  identifier: process.env.CRISP_IDENTIFIER ?? "",
  key: process.env.CRISP_KEY ?? "",
  restBase: process.env.CRISP_REST_BASE ?? "https://api.crisp.chat/v1",
});
rtm.on("message:send", (message) => {
  if (message.type === "text") console.log(`visitor in ${message.session_id}: ${message.content}`);
});
rtm.on("rtm:reconnecting", ({ attempt, delayMs }) => console.log(`retry #${attempt} in ${delayMs} ms`));
process.once("SIGINT", () => rtm.close());
await rtm.connect(); // resolves once Crisp answers `authenticated`
console.log("connected: waiting for visitor messages (Ctrl+C stops)");
