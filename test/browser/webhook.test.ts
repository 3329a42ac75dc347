import { expect } from "@open-wc/testing";
import { CrispRTM, RTMError, type RTMErrorCode } from "../../src/index.js";
import {
  EventDeduper,
  handleWebhook,
  signWebhook,
  verifyWebhook,
  webhookEventDigest,
} from "../../src/webhook/index.js";

/** A vector of test/fixtures/webhook-vectors.json, signed with Node's crypto by make-webhook-vectors.js. */
interface WebhookVector {
  name: string;
  secret: string;
  timestamp: string;
  body: string;
  now: number;
  signature: string;
  compact: boolean;
}

async function loadVectors(): Promise<WebhookVector[]> {
  const response = await fetch(new URL("../fixtures/webhook-vectors.json", import.meta.url));
  expect(response.ok).to.equal(true);
  return (await response.json()) as WebhookVector[];
}

async function rejection(promise: Promise<unknown>, code: RTMErrorCode, status?: number): Promise<RTMError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(RTMError);
    const rtmError = error as RTMError;
    expect(rtmError.code).to.equal(code);
    if (status !== undefined) expect(rtmError.status).to.equal(status);
    return rtmError;
  }
  throw new Error(`expected a rejection with ${code}`);
}

function signedAt(vector: WebhookVector): number {
  const n = Number(vector.timestamp);
  return n >= 1e12 ? n : n * 1000;
}

describe("web hooks in the browser (Web Crypto, verify only)", () => {
  let vectors: WebhookVector[];
  before(async () => {
    vectors = await loadVectors();
    expect(vectors.length).to.be.greaterThan(2);
  });

  it("verifies every vector computed with Node's createHmac, from text and from bytes", async () => {
    for (const v of vectors) {
      const options = { secret: v.secret, timestamp: v.timestamp, signature: v.signature, now: v.now };
      expect(await verifyWebhook({ ...options, body: v.body })).to.deep.equal({ signedAt: signedAt(v) });
      expect(await verifyWebhook({ ...options, body: new TextEncoder().encode(v.body) })).to.deep.equal({
        signedAt: signedAt(v),
      });
    }
  });

  it("signs exactly as Node's createHmac does", async () => {
    for (const v of vectors) {
      expect(await signWebhook({ secret: v.secret, body: v.body, timestamp: v.timestamp })).to.equal(v.signature);
    }
  });

  it("verifies a re-stringified object only when the JSON is compact", async () => {
    for (const v of vectors) {
      const verify = verifyWebhook({
        secret: v.secret,
        timestamp: v.timestamp,
        signature: v.signature,
        now: v.now,
        body: JSON.parse(v.body) as Record<string, unknown>,
      });
      if (v.compact) await verify;
      else await rejection(verify, "webhook_signature", 401);
    }
  });

  it("rejects tampering with 401 and staleness with 408, without leaking the secret or the signature", async () => {
    const [v] = vectors;
    if (!v) throw new Error("no vector");
    const base = { secret: v.secret, timestamp: v.timestamp, signature: v.signature, body: v.body, now: v.now };
    const tampered = await rejection(
      verifyWebhook({ ...base, body: v.body.replace("Hello", "Hullo") }),
      "webhook_signature",
      401,
    );
    expect(tampered.message).to.not.include(v.secret);
    expect(tampered.message).to.not.include(v.signature);
    await rejection(verifyWebhook({ ...base, secret: `${v.secret}x` }), "webhook_signature", 401);
    await rejection(verifyWebhook({ ...base, signature: null }), "webhook_signature", 401);
    await rejection(verifyWebhook({ ...base, timestamp: undefined }), "webhook_signature", 401);
    await rejection(verifyWebhook({ ...base, now: v.now + 301_000 }), "webhook_stale", 408);
    await verifyWebhook({ ...base, now: v.now + 299_000 });
  });

  it("handles a Request and dispatches the hook to on() listeners", async () => {
    const v = vectors.find((vector) => vector.body.includes('"message:send"'));
    if (!v) throw new Error("no message:send vector");
    const request = new Request("https://example.test/webhook", {
      method: "POST",
      body: v.body,
      headers: {
        "Content-Type": "application/json",
        "X-Crisp-Request-Timestamp": v.timestamp,
        "X-Crisp-Signature": v.signature,
        "X-Delivery-Attempt-Count": "1",
        "X-Delivery-Attempt-Limit": "3",
      },
    });
    const hook = await handleWebhook(request, { secret: v.secret, now: v.now });
    expect(hook.event).to.equal("message:send");
    expect(hook.delivery).to.deep.equal({ signedAt: signedAt(v), origin: null, attempt: 1, attemptLimit: 3 });
    const rtm = new CrispRTM({ identifier: "id", key: "key" });
    const heard: string[] = [];
    rtm.on("message:send", (payload) => heard.push(String(payload.content)));
    rtm.dispatch(hook.event, hook.data);
    rtm.close();
    expect(heard).to.deep.equal(["Hello!"]);
  });

  it("answers a stale Request with 408", async () => {
    const [v] = vectors;
    if (!v) throw new Error("no vector");
    const request = new Request("https://example.test/webhook", {
      method: "POST",
      body: v.body,
      headers: { "X-Crisp-Request-Timestamp": v.timestamp, "X-Crisp-Signature": v.signature },
    });
    await rejection(handleWebhook(request, { secret: v.secret }), "webhook_stale", 408);
  });

  it("deduplicates the socket and web hook copies of one event", async () => {
    const deduper = new EventDeduper();
    const data = { website_id: "w", session_id: "s", state: "resolved" };
    expect(await deduper.admit("socket", { event: "session:set_state", data })).to.equal(true);
    expect(
      await deduper.admit("webhook", {
        website_id: "w",
        event: "session:set_state",
        data: { state: "resolved", session_id: "s", website_id: "w" },
      }),
    ).to.equal(false);
    expect(await webhookEventDigest({ event: "e", data: { a: 1, b: 2 } })).to.equal(
      await webhookEventDigest({ event: "e", data: { b: 2, a: 1 } }),
    );
  });
});
