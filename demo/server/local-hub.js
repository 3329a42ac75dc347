// @ts-check
/**
 * The hub (`demo/worker/`) on this machine, for `npm start` and the tests: workerd through Miniflare (started by
 * test/hub/harness.js, fully offline), its Durable Object storage in a temporary directory so a restart keeps
 * the replay log, behind a TCP relay on a stable port. The relay is what subscribers connect to, so the hub can
 * be restarted under the same URL and every subscriber socket can be cut at once (a browser losing its network).
 */
import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { SUBSCRIBER_SECRET, startHub } from "../../test/hub/harness.js";
import { listen } from "./listen.js";

/**
 * @typedef {object} LocalHub
 * @property {string} url The `/events` WebSocket URL subscribers use (through the relay).
 * @property {string} origin `http://127.0.0.1:<relay port>`: the hub's HTTP routes, through the relay.
 * @property {string} secret The subscriber secret (the customer's backend holds it, never a page).
 * @property {(scope?: { events?: string[] | null, websites?: string[] | null }) => Promise<string>} ticket
 *   A fresh single-use ticket (`POST /ticket` with the bearer secret).
 * @property {(path: string, init?: { method?: string, body?: unknown, auth?: string | null }) => Promise<{ status: number, body: any }>} request
 *   An HTTP call to the Worker (bearer secret by default).
 * @property {(holdMs?: number) => number} dropSubscribers Cuts every subscriber's TCP connection (no close frame)
 *   and refuses new ones for `holdMs` (a network that stays away a moment); returns how many were cut.
 * @property {(downMs?: number) => Promise<void>} restart Stops workerd, waits `downMs`, starts it again on the same storage.
 * @property {() => Promise<void>} evict Resets the Durable Object as an eviction would (`POST /_test/evict`).
 * @property {() => Promise<void>} close
 */

/**
 * Starts the hub and its relay.
 * @param {{ emu: { restUrl: string, tokens: { identifier: string, key: string }[] }, port?: number, vars?: Record<string, string> }} options
 *   `port`: the relay's port (default any free one).
 * @returns {Promise<LocalHub>}
 */
export async function startLocalHub({ emu, port = 0, vars = {} }) {
  const persist = await mkdtemp(join(tmpdir(), "crisp-hub-"));
  /** @type {Awaited<ReturnType<typeof startHub>> | null} */
  let hub = await startHub({ emu, vars, persist, host: "127.0.0.1" });
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  let holdUntil = 0;
  const relay = net.createServer((client) => {
    if (Date.now() < holdUntil) {
      client.resetAndDestroy();
      return;
    }
    sockets.add(client);
    const target = hub ? Number(hub.url.port) : 0;
    const upstream = net.connect(target, "127.0.0.1");
    sockets.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", cut).on("close", cut);
    upstream.on("error", cut).on("close", cut);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const relayPort = await listen(relay, port, "127.0.0.1");
  const origin = `http://127.0.0.1:${relayPort}`;

  const current = () => {
    if (!hub) throw new Error("the hub is restarting");
    return hub;
  };
  const dropSubscribers = (holdMs = 0) => {
    holdUntil = Date.now() + holdMs;
    const count = sockets.size / 2;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    return count;
  };
  return {
    url: `ws://127.0.0.1:${relayPort}/events`,
    origin,
    secret: SUBSCRIBER_SECRET,
    ticket: async (scope = {}) => {
      const { status, body } = await current().request("/ticket", { body: scope });
      if (status !== 200) throw new Error(`POST /ticket answered ${status}`);
      return body.ticket;
    },
    request: (path, init) => current().request(path, init),
    dropSubscribers,
    restart: async (downMs = 0) => {
      const stopping = current();
      hub = null;
      dropSubscribers();
      await stopping.close();
      await sleep(downMs);
      hub = await startHub({ emu, vars, persist, host: "127.0.0.1" });
    },
    evict: async () => {
      await current().request("/_test/evict", { body: {} });
    },
    close: async () => {
      dropSubscribers();
      await new Promise((resolve) => relay.close(() => resolve(undefined)));
      await hub?.close();
      hub = null;
      await rm(persist, { recursive: true, force: true });
    },
  };
}
