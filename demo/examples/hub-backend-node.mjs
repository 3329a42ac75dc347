// The backend of hub-browser.html in Node: serves the page and crisp-rtm/hub, and hands the page a single-use
// ticket from the hub (it holds the subscriber secret; the page never sees it).
//   HUB_URL=ws://127.0.0.1:4283/events SUBSCRIBER_SECRET=… node demo/examples/hub-backend-node.mjs   (then open http://localhost:4290/)
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";

const { HUB_URL, SUBSCRIBER_SECRET, PORT = "4290" } = process.env;
if (!HUB_URL || !SUBSCRIBER_SECRET) throw new Error("set HUB_URL (the hub's /events URL) and SUBSCRIBER_SECRET");

/** The ticket endpoint: a real backend checks the user's session first and limits the ticket to what they may see. */
async function crispTicket() {
  const hub = new URL("ticket", HUB_URL.replace(/^ws/, "http"));
  const answer = await fetch(hub, {
    method: "POST",
    headers: { Authorization: `Bearer ${SUBSCRIBER_SECRET}`, "Content-Type": "application/json" },
    body: JSON.stringify({ events: ["message:send", "message:received"] }),
  });
  return { status: answer.status, body: await answer.text() };
}

const files = {
  "/": ["hub-browser.html", "text/html"],
  "/crisp-rtm/hub.js": ["../../dist/hub.js", "text/javascript"],
};
createServer(async (req, res) => {
  if (req.method === "POST" && req.url === "/api/crisp-ticket") {
    const { status, body } = await crispTicket();
    return res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" }).end(body);
  }
  const file = files[req.url ?? ""];
  if (!file) return res.writeHead(404).end();
  const text = await readFile(new URL(file[0], import.meta.url), "utf8");
  res
    .writeHead(200, { "Content-Type": file[1] })
    .end(file[0].endsWith(".html") ? text.replace("HUB_URL", HUB_URL) : text);
}).listen(Number(PORT), () => console.log(`http://localhost:${PORT}/`));
