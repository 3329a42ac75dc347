import { handleWebhook, isRTMError, type VerifiedWebhook } from "crisp-rtm/webhook";
import type { WebhookResult } from "../api.js";
import { hubOf } from "../hub-stub.js";
import { ApiError, isApiErrorCode, json } from "../http.js";
import type { RouteContext } from "./context.js";

/** The answer to a hook that failed its checks (`webhook_signature` 401, `webhook_stale` 408, …), or the error itself. */
function rejection(error: unknown): unknown {
  if (isRTMError(error) && error.status !== undefined && isApiErrorCode(error.code)) return new ApiError(error.code, error.message);
  return error;
}

/**
 * `POST /webhook`: a Crisp web hook. Crisp cannot send the bearer secret, so its signature (HMAC with
 * `CRISP_WEBHOOK_SECRET`) and its timestamp are the authentication. Verified hooks go to the hub, which logs
 * them in the events' sequence unless the socket already brought them.
 */
export async function webhook({ request, env, config }: RouteContext): Promise<Response> {
  const secret = config.webhookSecret;
  if (secret === null) throw new ApiError("not_found", "web hooks are not configured");
  let hook: VerifiedWebhook;
  try {
    hook = await handleWebhook(request, { secret });
  } catch (error) {
    throw rejection(error);
  }
  const { website_id, event, data } = hook;
  const outcome = await hubOf(env).ingestWebhook({ website_id, event, data, attempt: hook.delivery.attempt });
  const result: WebhookResult = { ok: true, ...outcome };
  return json(result);
}
