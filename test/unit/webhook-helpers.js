// @ts-check
/** Shared by the web hook tests: the built entries (typed as the sources), a receiver, an RTMError check. */
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { Readable } from "node:stream";

/** The web hook entry the tests exercise (`npm run build` makes it), and the client entry. */
const BUNDLE_URL = new URL("../../dist/webhook.js", import.meta.url).href;
const CLIENT_URL = new URL("../../dist/crisp-rtm.js", import.meta.url).href;

/** @typedef {typeof import("../../src/webhook/index.js") & Pick<typeof import("../../src/index.js"), "CrispRTM">} Library */
/** @typedef {import("../../src/index.js").RTMError} RTMErrorType */

/** @returns {Promise<Library>} the built web hook entry, with the client entry's CrispRTM */
export async function loadLibrary() {
  const [client, hooks] = await Promise.all([import(CLIENT_URL), import(BUNDLE_URL)]);
  return { ...hooks, CrispRTM: client.CrispRTM };
}

/**
 * Awaits a promise that must reject with the bundle's RTMError of `code` (and `status`, when given);
 * checks that the message leaks none of `secrets`.
 * @param {Library} lib
 * @param {Promise<unknown>} promise
 * @param {string} code
 * @param {number} [status]
 * @param {string[]} [secrets]
 * @returns {Promise<RTMErrorType>}
 */
export async function rejectsWith(lib, promise, code, status, secrets = []) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof lib.RTMError, `expected an RTMError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (status !== undefined) assert.equal(error.status, status);
    for (const secret of secrets)
      assert.ok(!error.message.includes(secret), "the message leaks a secret or the signature");
    return error;
  }
  assert.fail(`expected a rejection with ${code}`);
}

/**
 * A local HTTP server that turns each request into a WHATWG `Request` (streamed body) and answers with
 * what `handle` returns.
 * @param {(request: Request) => Promise<Response>} handle
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startReceiver(handle) {
  const server = createServer(async (req, res) => {
    const url = `http://${req.headers.host}${req.url ?? "/"}`;
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === "string") headers.set(name, value);
      else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    }
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    /** @type {RequestInit & { duplex?: "half" }} */
    const init = { method: req.method ?? "GET", headers };
    if (hasBody) {
      init.body = /** @type {ReadableStream<Uint8Array>} */ (Readable.toWeb(req));
      init.duplex = "half";
    }
    const response = await handle(new Request(url, init));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
