import { requireService } from "../auth/principal.js";
import { hubOf } from "../hub-stub.js";
import { ApiError, json, readJsonObject } from "../http.js";
import type { RouteContext } from "./context.js";

/** `POST /upstream` (bearer) with `{"running": false}` or `true`: switches the upstream connection off or on. */
export async function upstream({ request, env, config }: RouteContext): Promise<Response> {
  await requireService(request, config);
  const { running } = await readJsonObject(request);
  if (typeof running !== "boolean") throw new ApiError("bad_request", "running must be a boolean");
  return json(await hubOf(env).setRunning(running));
}
