/** Type tests of the web hook entry: a verified hook narrows on `event`, then its message on `type`. */
import type { AudioContent, FileContent } from "../../src/index.js";
import { handleWebhook, parseWebhookBody } from "../../src/webhook/index.js";
import { expectType } from "./expect.js";

async function receive(request: Request): Promise<void> {
  const hook = await handleWebhook(request, { secret: "secret" });
  if (hook.event === "message:send") {
    expectType<"user" | "operator">()(hook.data.from);
    if (hook.data.type === "text") expectType<string>()(hook.data.content);
    if (hook.data.type === "file") expectType<FileContent>()(hook.data.content);
    if (hook.data.type === "audio") expectType<AudioContent>()(hook.data.content);
    // @ts-expect-error `content` is not a string before `type` is checked
    hook.data.content.trim();
  }
  if (hook.event === "session:set_state") expectType<"pending" | "unresolved" | "resolved">()(hook.data.state);
  // @ts-expect-error not an event name
  if (hook.event === "message:sent") return;
}
void receive;

const envelope = parseWebhookBody("{}");
if (envelope.event === "message:received" && envelope.data.type === "note") expectType<string>()(envelope.data.content);
