// @ts-check
/** The control HTTP API: `GET /_emulator/state` and `POST /_emulator/<operation>` with JSON bodies. */
import { ControlError } from "./control.js";
import { readJson, sendJson } from "./http-util.js";

/** @typedef {import("./control.js").Control} Control */

/** Path prefix of the control API on the REST port. */
export const CONTROL_PREFIX = "/_emulator";

/**
 * Route name → method of `Control` (every route but `state` is POST).
 * @type {Readonly<Record<string, keyof Control>>}
 */
export const CONTROL_ROUTES = Object.freeze({
  state: "state",
  inject: "inject",
  flood: "flood",
  sent: "sent",
  drop: "drop",
  restart: "restart",
  "half-open": "halfOpen",
  stall: "stall",
  refuse: "refuse",
  "no-connect-ack": "noConnectAck",
  "middleware-error": "middlewareError",
  "ignore-auth": "ignoreAuth",
  "echo-credentials": "echoCredentials",
  malformed: "malformed",
  kick: "kick",
  "disconnect-all": "disconnectAll",
  "rest-mode": "restMode",
  traffic: "traffic",
  config: "config",
  "token-websites": "tokenWebsites",
  revoke: "revoke",
  webhook: "webhook",
  reset: "reset",
});

/**
 * Handles a request under `/_emulator` (CORS preflights are answered before this).
 * @param {Control} control
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {URL} url
 */
export async function handleControl(control, req, res, url) {
  const name = url.pathname.slice(CONTROL_PREFIX.length).replace(/^\/+|\/+$/g, "");
  if (name === "" && req.method === "GET") {
    sendJson(res, 200, {
      routes: Object.keys(CONTROL_ROUTES).map((r) => `${r === "state" ? "GET" : "POST"} ${CONTROL_PREFIX}/${r}`),
    });
    return;
  }
  const method = Object.hasOwn(CONTROL_ROUTES, name) ? CONTROL_ROUTES[name] : undefined;
  if (method === undefined) {
    sendJson(res, 404, { error: "not_found", message: `no control route ${url.pathname}` });
    return;
  }
  const expected = name === "state" ? "GET" : "POST";
  if (req.method !== expected) {
    sendJson(
      res,
      405,
      { error: "method_not_allowed", message: `use ${expected} ${url.pathname}` },
      { Allow: `${expected}, OPTIONS` },
    );
    return;
  }
  try {
    const body = expected === "POST" ? await readJson(req) : undefined;
    const operation = /** @type {(body: unknown) => Promise<unknown>} */ (control[method]).bind(control);
    sendJson(res, 200, await operation(body));
  } catch (error) {
    const status = error instanceof ControlError ? error.status : error instanceof SyntaxError ? 400 : 500;
    const message = error instanceof Error ? error.message : String(error);
    if (!res.headersSent) sendJson(res, status, { error: status === 500 ? "internal_error" : "bad_request", message });
  }
}
