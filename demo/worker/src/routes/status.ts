import { isService } from "../auth/principal.js";
import { hubOf } from "../hub-stub.js";
import { json } from "../http.js";
import type { RouteContext } from "./context.js";

/** `GET /status`: public; a caller with the bearer secret also sees the upstream filters. */
export async function status({ request, env, config }: RouteContext): Promise<Response> {
  return json(await hubOf(env).status(await isService(request, config)));
}
