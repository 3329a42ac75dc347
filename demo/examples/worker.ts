// A Cloudflare Worker: GET / answers the next visitor message as JSON (or 504 after 25 s). A request handler's
// sockets end when it returns: hold a long-lived connection in a Durable Object (demo/worker/).
import { CrispRTM } from "crisp-rtm";
import { fetchWebSocket } from "crisp-rtm/fetch-websocket";

interface Env {
  CRISP_IDENTIFIER: string;
  CRISP_KEY: string;
  CRISP_REST_BASE?: string;
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    const rtm = new CrispRTM({
      identifier: env.CRISP_IDENTIFIER,
      key: env.CRISP_KEY,
      restBase: env.CRISP_REST_BASE ?? "https://api.crisp.chat/v1",
      events: ["message:send"],
      WebSocket: fetchWebSocket(), // fetch + Upgrade: websocket; the global WebSocket works too
      signal: AbortSignal.timeout(25_000), // aborting closes the client, which ends the loop below
    });
    try {
      const messages = rtm.events(["message:send"]);
      await rtm.connect();
      for await (const { payload } of messages) return Response.json(payload);
      return new Response("no visitor message within 25 s", { status: 504 });
    } finally {
      rtm.close();
    }
  },
};
