// @ts-check
// A Worker that runs one shared scenario per request inside workerd, against the built bundle.
// GET /?scenario=<index>&socket=<websocket|fetch>: `fetch` opens the socket with fetch + Upgrade (fetchWebSocket).
import * as lib from "../../../dist/crisp-rtm.js";
import { coreScenarios } from "../../../.cache/scenarios.js";

export default {
  /**
   * @param {Request} request
   * @param {{ MANAGER_URL: string }} env
   */
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/scenarios") return Response.json(coreScenarios.map((scenario) => scenario.name));
    const scenario = coreScenarios[Number(url.searchParams.get("scenario"))];
    if (!scenario) return Response.json({ ok: false, error: "no such scenario" }, { status: 404 });
    const clientOptions = url.searchParams.get("socket") === "fetch" ? { WebSocket: lib.fetchWebSocket() } : {};
    try {
      await scenario.run({ lib, managerUrl: env.MANAGER_URL, emulatorOptions: { tls: true }, clientOptions });
      return Response.json({ ok: true });
    } catch (error) {
      return Response.json({ ok: false, error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error) });
    }
  },
};
