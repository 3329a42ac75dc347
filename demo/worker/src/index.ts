/**
 * The Worker of the Crisp RTM hub: `routes.ts` checks each request (the routes are listed there), the
 * {@link CrispHub} Durable Object does the work.
 */
import type { HubEnv } from "./config.js";
import { route } from "./routes.js";

export { CrispHub } from "./hub.js";

export default {
  fetch: (request, env) => route(request, env),
} satisfies ExportedHandler<HubEnv>;
