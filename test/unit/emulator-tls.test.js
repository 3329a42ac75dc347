// @ts-check
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import tls from "node:tls";
import { DEFAULT_TOKENS, startEmulator } from "../../emulator/index.js";
import { basicAuth, once, SocketPool, sleep } from "./emulator-helpers.js";

const token = { ...DEFAULT_TOKENS[0], websites: [...(DEFAULT_TOKENS[0]?.websites ?? [])] };

/**
 * GET over HTTPS trusting `ca`; resolves with status and parsed body.
 * @param {string} url
 * @param {string} ca
 * @param {Record<string, string>} headers
 * @returns {Promise<{ status: number, body: any }>}
 */
function httpsJson(url, ca, headers) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers, agent: false }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on("error", reject);
  });
}

describe("emulator over TLS", () => {
  /** @type {Awaited<ReturnType<typeof startEmulator>>} */
  let emu;
  /** @type {string} */
  let certDir;
  const pool = new SocketPool();
  before(async () => {
    certDir = await mkdtemp(join(tmpdir(), "crisp-rtm-emulator-tls-"));
    emu = await startEmulator({ tls: true, certDir });
  });
  after(async () => {
    pool.closeAll();
    await emu.close();
    await rm(certDir, { recursive: true, force: true });
  });

  it("writes a local CA and a localhost certificate signed by it", () => {
    const certs = emu.certs;
    assert.ok(certs);
    for (const path of [certs.caPath, certs.certPath, certs.keyPath]) assert.ok(existsSync(path), path);
    const ca = new X509Certificate(certs.ca);
    const leaf = new X509Certificate(certs.cert);
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    assert.match(String(leaf.subjectAltName), /DNS:localhost.*IP Address:127\.0\.0\.1/);
    assert.match(emu.restUrl, /^https:\/\/localhost:\d+\/v1$/);
    assert.match(emu.rtmUrl, /^wss:\/\/localhost:\d+\/p\/1\/$/);
  });

  it("serves discovery over HTTPS and RTM over WSS to a client trusting the CA", async () => {
    const ca = emu.certs?.ca ?? "";
    const { status, body } = await httpsJson(`${emu.restUrl}/plugin/connect/endpoints`, ca, {
      Authorization: basicAuth(token),
      "X-Crisp-Tier": "plugin",
    });
    assert.equal(status, 200);
    assert.equal(body.data.socket.app, emu.rtmUrl);
    const socket = await pool.authed(emu, token, { events: ["message:send"] }, { ca });
    const message = once(socket, "message:send");
    await emu.control.inject({
      event: "message:send",
      website_id: token.websites[0] ?? "",
      payload: { content: "secure" },
    });
    assert.equal((await message).content, "secure");
  });

  it("fails the handshake for a client that does not trust the CA", async () => {
    const socket = pool.open(emu.rtmUrl);
    const error = await once(socket, "connect_error");
    assert.ok(error instanceof Error);
  });

  it("stall completes the TLS handshake, then forwards nothing", async () => {
    await emu.control.stall(true);
    try {
      const socket = tls.connect({ host: "localhost", port: emu.rtmPort, ca: emu.certs?.ca ?? "" });
      socket.on("error", () => {});
      await once(socket, "secureConnect");
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk;
      });
      socket.write(
        "GET /p/1/?EIO=4&transport=websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
      );
      await sleep(200);
      assert.equal(received, "");
      socket.destroy();
    } finally {
      await emu.control.stall(false);
    }
  });

  it("reuses valid certificates from certDir", async () => {
    const again = await startEmulator({ tls: true, certDir });
    try {
      assert.equal(again.certs?.cert, emu.certs?.cert);
      assert.equal(again.certs?.ca, emu.certs?.ca);
    } finally {
      await again.close();
    }
  });
});
