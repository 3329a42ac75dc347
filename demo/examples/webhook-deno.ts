// Crisp's signed web hooks into the same listeners as a socket client (Deno). In your own project import
// "jsr:@crisp-rtm/crisp-rtm" and "jsr:@crisp-rtm/crisp-rtm/webhook".
import { CrispRTM } from "../../dist/crisp-rtm.js";
import { handleWebhook, isRTMError } from "../../dist/webhook.js";

const rtm = new CrispRTM({ identifier: Deno.env.get("CRISP_IDENTIFIER") ?? "", key: Deno.env.get("CRISP_KEY") ?? "" });
rtm.on("message:send", (message) => console.log(message.session_id, message.content));

Deno.serve({ port: Number(Deno.env.get("PORT") ?? 8080) }, async (request) => {
  if (request.method !== "POST") return new Response("method not allowed", { status: 405 });
  try {
    const hook = await handleWebhook(request, { secret: Deno.env.get("CRISP_HOOK_SECRET") ?? "" });
    rtm.dispatch(hook.event, hook.data);
    return new Response(null, { status: 204 });
  } catch (error) {
    if (isRTMError(error) && error.status) return new Response(error.code, { status: error.status });
    throw error;
  }
});
