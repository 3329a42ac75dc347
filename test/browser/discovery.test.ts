import { expect } from "@open-wc/testing";
import { CrispRTM, discoverEndpoint, RTMError } from "../../src/index.js";
import { sleep, waitFor } from "../scenarios/wait.js";
import { type Fixture, fixture, rejection } from "./fixture.js";

describe("endpoint discovery", () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.dispose());

  const discover = (extra: Record<string, unknown> = {}) =>
    discoverEndpoint({
      identifier: f.emulator.token.identifier,
      key: f.emulator.token.key,
      restBase: f.emulator.info.restUrl,
      ...extra,
    });

  it("returns the advertised socket URL, with its path as the Engine.IO path", async () => {
    const found = await discover();
    expect(found.socket.url).to.equal(f.emulator.info.rtmUrl);
    expect(found.socket.path).to.equal(new URL(f.emulator.info.rtmUrl).pathname);
    expect(found.socket.path).to.not.equal("/socket.io/");
    const [entry] = (await f.emulator.state()).restLog;
    expect(entry?.tier).to.equal("plugin");
  });

  it("uses the website route for the website tier", async () => {
    const websiteId = "8c842203-7ed8-4e29-a608-7cf78a7d2fcc";
    const token = { identifier: "website-token", key: "website-key", websites: [websiteId], tier: "website" };
    const site = await fixture({ tokens: [token] });
    try {
      const found = await discoverEndpoint({
        ...token,
        tier: "website",
        websiteId,
        restBase: site.emulator.info.restUrl,
      });
      expect(found.socket.url).to.equal(site.emulator.info.rtmUrl);
      const [entry] = (await site.emulator.state()).restLog;
      expect(String(entry?.path)).to.contain(`/website/${websiteId}/`);
      const other = await rejection(
        discoverEndpoint({
          ...token,
          tier: "website",
          websiteId: "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
          restBase: site.emulator.info.restUrl,
        }),
      );
      expect([other.code, other.status]).to.deep.equal(["unauthorized", 403]);
    } finally {
      await site.dispose();
    }
  });

  it("maps 401 and 403 to `unauthorized` with the status", async () => {
    const wrong = await rejection(discover({ key: "nope" }));
    expect([wrong.code, wrong.status]).to.deep.equal(["unauthorized", 401]);
    await f.emulator.control("rest-mode", { mode: "403" });
    const forbidden = await rejection(discover());
    expect([forbidden.code, forbidden.status]).to.deep.equal(["unauthorized", 403]);
  });

  it("maps 429 to `rate_limited` with Retry-After", async () => {
    await f.emulator.control("rest-mode", { mode: "429", retryAfter: 3 });
    const error = await rejection(discover());
    expect([error.code, error.status, error.retryAfterMs]).to.deep.equal(["rate_limited", 429, 3000]);
  });

  it("maps 5xx, invalid JSON and a missing socket.app to `discovery_failed`", async () => {
    for (const mode of ["500", "invalid-json", "missing-app"]) {
      await f.emulator.control("rest-mode", { mode });
      const error = await rejection(discover());
      expect(error.code, mode).to.equal("discovery_failed");
    }
  });

  it("times out a REST API that never answers", async () => {
    await f.emulator.control("rest-mode", { mode: "timeout" });
    const error = await rejection(discover({ timeoutMs: 300 }));
    expect(error.code).to.equal("timeout");
  });

  it("reports a dead REST host as `discovery_failed`", async () => {
    const error = await rejection(discover({ restBase: "https://127.0.0.1:9/v1" }));
    expect(error.code).to.equal("discovery_failed");
  });

  it("refuses plaintext to a remote host with `insecure_endpoint`", async () => {
    const error = await rejection(discover({ restBase: "http://api.example.com/v1" }));
    expect(error.code).to.equal("insecure_endpoint");
    expect(() => new CrispRTM({ identifier: "i", key: "k", endpoint: "ws://relay.example.com/p/1/" }))
      .to.throw(RTMError)
      .with.property("code", "insecure_endpoint");
  });

  it("never puts the token into a URL", async () => {
    const urls: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    await discover({ fetch: fetchSpy });
    expect(urls).to.have.length(1);
    expect(urls[0]).to.not.contain(f.emulator.token.key);
    expect(urls[0]).to.not.contain(f.emulator.token.identifier);
  });
});

describe("discovery inside the client", () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.dispose());

  it("does not retry an unauthorized token", async () => {
    const rtm = f.client({ key: "wrong" });
    rtm.on("message:send", () => {});
    const error = await rejection(rtm.connect());
    expect(error.code).to.equal("unauthorized");
    await sleep(300);
    expect((await f.emulator.state()).restLog).to.have.length(1);
    expect(rtm.state).to.equal("closed");
  });

  it("falls back to the rescue host when the primary one is dead", async () => {
    await f.emulator.control("rest-mode", { mode: "rescue" });
    const rtm = f.client();
    rtm.on("message:send", () => {});
    await rtm.connect();
    expect(rtm.state).to.equal("ready");
  });

  it("re-discovers after repeated failures on a cached endpoint", async () => {
    const rtm = f.client();
    rtm.on("message:send", () => {});
    await rtm.connect();
    await f.emulator.control("refuse", { mode: "reset" });
    await f.emulator.control("drop");
    await waitFor(async () => (await f.emulator.state()).restLog.length >= 2, 8000, "a second discovery");
    await f.emulator.control("refuse", { mode: "off" });
    await waitFor(() => rtm.state === "ready", 8000, "ready again");
  });

  it("connects only on the discovered path", async () => {
    const origin = new URL(f.emulator.info.rtmUrl).origin;
    const rtm = f.client({ endpoint: `${origin}/socket.io/`, reconnect: false, connectTimeoutMs: 1000 });
    rtm.on("message:send", () => {});
    const error = await rejection(rtm.connect());
    expect(["connection_failed", "timeout"]).to.include(error.code);
  });
});
