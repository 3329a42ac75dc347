import type { HubEnv } from "./env.js";
import type { CrispHub } from "./hub.js";

/** The name of the single hub: every request of the deployment reaches the same Durable Object. */
export const HUB_NAME = "crisp-hub";

/** The hub's stub. */
export function hubOf(env: HubEnv): DurableObjectStub<CrispHub> {
  return env.HUB.get(env.HUB.idFromName(HUB_NAME));
}
