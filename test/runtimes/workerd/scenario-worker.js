// @ts-check
// A Worker that runs one shared scenario per request inside workerd, against the built bundle.
// GET /?scenario=<index>&socket=<websocket|fetch>[&list=<core|faults>]: `fetch` opens the socket with fetch + Upgrade
// (fetchWebSocket); `list` picks the scenario list (default `core`; `faults` holds the fault scenarios that apply
// to workerd). GET /scenarios[?list=…] answers the names of a list.

import { coreScenarios, faultScenarios, scenariosFor } from "../../../.cache/scenarios.js";
import * as lib from "../../../dist/crisp-rtm.js";
import { fetchWebSocket } from "../../../dist/fetch-websocket.js";

/** @type {Record<string, import("../../scenarios/context.js").Scenario[]>} */
const LISTS = { core: coreScenarios, faults: scenariosFor(faultScenarios, "workerd") };

export default {
  /**
   * @param {Request} request
   * @param {{ MANAGER_URL: string }} env
   */
  async fetch(request, env) {
    const url = new URL(request.url);
    const listName = url.searchParams.get("list") ?? "core";
    const list = Object.hasOwn(LISTS, listName) ? LISTS[listName] : undefined;
    if (!list) return Response.json({ ok: false, error: `no such list: ${listName}` }, { status: 404 });
    if (url.pathname === "/scenarios") return Response.json(list.map((scenario) => scenario.name));
    const scenario = list[Number(url.searchParams.get("scenario"))];
    if (!scenario) return Response.json({ ok: false, error: "no such scenario" }, { status: 404 });
    const clientOptions = url.searchParams.get("socket") === "fetch" ? { WebSocket: fetchWebSocket() } : {};
    try {
      await scenario.run({ lib, managerUrl: env.MANAGER_URL, emulatorOptions: { tls: true }, clientOptions });
      return Response.json({ ok: true });
    } catch (error) {
      return Response.json({
        ok: false,
        error: error instanceof Error ? `${error.message}\n${error.stack}` : String(error),
      });
    }
  },
};
