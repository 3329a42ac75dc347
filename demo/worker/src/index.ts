/**
 * The Worker of the Crisp RTM hub. Routes: `GET /events` (WebSocket subscription), `GET /status`,
 * `POST /bind`, `POST /ticket`, `POST /upstream`, `POST /webhook` (Crisp web hooks). The {@link CrispHub} Durable Object does the work.
 */
import type { HubEnv } from "./env.js";
import { route } from "./router.js";

export { CrispHub } from "./hub.js";

export default {
  fetch: (request, env) => route(request, env),
} satisfies ExportedHandler<HubEnv>;
