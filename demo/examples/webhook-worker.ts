// A Cloudflare Worker that receives Crisp's signed web hooks on POST /crisp/hooks.
import { handleWebhook, isRTMError } from "crisp-rtm/webhook";

export default {
  async fetch(request: Request, env: { CRISP_HOOK_SECRET: string }): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method !== "POST" || pathname !== "/crisp/hooks") return new Response("not found", { status: 404 });
    try {
      const hook = await handleWebhook(request, { secret: env.CRISP_HOOK_SECRET });
      if (hook.event === "message:send") console.log(hook.website_id, hook.data.session_id, hook.data.content);
      return new Response(null, { status: 204 });
    } catch (error) {
      if (isRTMError(error) && error.status) return new Response(error.code, { status: error.status });
      throw error;
    }
  },
};
