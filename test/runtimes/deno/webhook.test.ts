// Web hooks end to end on Deno against the built bundle: the emulator's sender signs with node:crypto (an
// implementation independent of the library's Web Crypto one) and POSTs to a Deno.serve() handler that
// verifies with handleWebhook() (crisp-rtm/webhook) and dispatches to a CrispRTM's listeners.
import * as lib from "../../../dist/crisp-rtm.js";
import * as hooks from "../../../dist/webhook.js";
import { sendWebhook } from "../../../emulator/webhooks.js";

const SECRET = "deno-hook-secret";
const WEBSITE = "8c842203-7ed8-4e29-a608-7cf78a7d2fcc";

function assertEquals(actual: unknown, expected: unknown, message = ""): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${message} expected ${e}, got ${a}`);
}

Deno.test("web hooks: verified over HTTP, typed errors, dispatched to listeners", async () => {
  const rtm = new lib.CrispRTM({ identifier: "id", key: "key" });
  const heard: unknown[] = [];
  rtm.on("message:send", (payload) => heard.push(payload.content));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (request) => {
    try {
      const hook = await hooks.handleWebhook(request, { secret: SECRET });
      rtm.dispatch(hook.event, hook.data);
      return Response.json({ attempt: hook.delivery.attempt, website_id: hook.website_id });
    } catch (error) {
      if (error instanceof lib.RTMError && error.status)
        return Response.json({ code: error.code }, { status: error.status });
      throw error;
    }
  });
  const url = `http://127.0.0.1:${server.addr.port}/webhook`;
  const data = {
    website_id: WEBSITE,
    session_id: "s1",
    type: "text",
    from: "user",
    origin: "chat",
    content: "hello Deno",
    fingerprint: 1,
    timestamp: Date.now(),
    user: {},
  };
  try {
    const ok = await sendWebhook({ url, secret: SECRET, event: "message:send", data, attempt: 2 });
    assertEquals([ok.status, JSON.parse(ok.text)], [200, { attempt: 2, website_id: WEBSITE }], "signed hook");
    assertEquals(heard, ["hello Deno"], "dispatched");
    const seconds = await sendWebhook({
      url,
      secret: SECRET,
      event: "message:send",
      data,
      timestamp: Math.floor(Date.now() / 1000),
    });
    assertEquals(seconds.status, 200, "timestamp in seconds");
    const forged = await sendWebhook({ url, secret: "wrong", event: "message:send", data });
    assertEquals([forged.status, JSON.parse(forged.text)], [401, { code: "webhook_signature" }], "wrong secret");
    const stale = await sendWebhook({
      url,
      secret: SECRET,
      event: "message:send",
      data,
      timestamp: Date.now() - 3_600_000,
    });
    assertEquals([stale.status, JSON.parse(stale.text)], [408, { code: "webhook_stale" }], "stale");
    const garbage = await sendWebhook({ url, secret: SECRET, event: "message:send", data, body: "{oops" });
    assertEquals([garbage.status, JSON.parse(garbage.text)], [400, { code: "webhook_invalid" }], "bad body");
  } finally {
    rtm.close();
    await server.shutdown();
  }
});
