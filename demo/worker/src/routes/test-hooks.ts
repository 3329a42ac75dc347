import { requireService } from "../auth/principal.js";
import { hubOf } from "../hub-stub.js";
import { ApiError, json } from "../http.js";
import type { RouteContext } from "./context.js";

/** `POST /_test/evict` (bearer, only with `HUB_TEST_ROUTES=true`): resets the hub instance as an eviction would. */
export async function evict({ request, env, config }: RouteContext): Promise<Response> {
  if (!config.testRoutes) throw new ApiError("not_found", "no such route");
  await requireService(request, config);
  try {
    await hubOf(env).simulateEviction();
  } catch {
    return json({ evicted: true });
  }
  return json({ evicted: false });
}
