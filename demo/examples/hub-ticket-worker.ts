// The ticket endpoint of a dashboard's backend as a Cloudflare Worker: the page POSTs /api/crisp-ticket and gets
// a single-use ticket for the hub. Vars: HUB_ORIGIN (https://crisp-rtm-hub.<you>.workers.dev), SUBSCRIBER_SECRET (a secret).
interface Env {
  HUB_ORIGIN: string;
  SUBSCRIBER_SECRET: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (request.method !== "POST" || pathname !== "/api/crisp-ticket")
      return new Response("not found", { status: 404 });
    // Check the user's session here, and limit the ticket to the websites and events they may see.
    const answer = await fetch(`${env.HUB_ORIGIN}/ticket`, {
      method: "POST",
      headers: { Authorization: `Bearer ${env.SUBSCRIBER_SECRET}`, "Content-Type": "application/json" },
      body: JSON.stringify({ events: ["message:send", "message:received"] }),
    });
    return new Response(answer.body, {
      status: answer.status,
      headers: { "Content-Type": "application/json", "Cache-Control": "no-store" },
    });
  },
};
