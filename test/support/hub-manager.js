// @ts-check
/**
 * The hub part of the emulator manager (test/support/emulator-manager.js): starts a hub (demo/worker in
 * Miniflare, behind its relay: demo/server/local-hub.js) on a fresh emulator, so subscriber tests in Chromium,
 * Deno and Node get one over HTTP. The manager plays the customer's backend: it holds the subscriber secret and
 * hands out tickets.
 *   POST   /hubs                 body: { vars?, rate? }  → { id, url, origin, secret, emulator: { restUrl, controlUrl, tokens } }
 *   POST   /hubs/:id/ticket      body: ticket scope      → { ticket }
 *   POST   /hubs/:id/fault       body: { action: "drop-subscribers", holdMs? } | { action: "drop-upstream" }
 *                                      | { action: "restart", downMs? } | { action: "evict" } → { done: true }
 *   DELETE /hubs/:id                                     → { closed: true }
 * `secret` is given to the tests because they also play server-side consumers (the bearer secret).
 */
import { startLocalHub } from "../../demo/server/local-hub.js";
import { startEmulator } from "../../emulator/index.js";

/**
 * @typedef {object} RunningHub
 * @property {import("../../demo/server/local-hub.js").LocalHub} hub
 * @property {Awaited<ReturnType<typeof startEmulator>>} emulator
 */

/** Hubs started through one manager. */
export class HubManager {
  /** @type {Map<string, RunningHub>} */
  #hubs = new Map();
  #next = 0;

  /**
   * Answers a `/hubs` request; false when the path is not one of them.
   * @param {string} method
   * @param {string} path
   * @param {() => Promise<any>} readBody
   * @returns {Promise<{ status: number, body: unknown } | false>}
   */
  async handle(method, path, readBody) {
    if (method === "POST" && path === "/hubs") {
      const { vars = {}, rate = 0 } = await readBody();
      const emulator = await startEmulator({ tls: false, traffic: { rate }, pingInterval: 2000, pingTimeout: 2000 });
      try {
        const hub = await startLocalHub({ emu: emulator, vars });
        const id = `hub${++this.#next}`;
        this.#hubs.set(id, { hub, emulator });
        const { restUrl, controlUrl, tokens } = emulator;
        return {
          status: 200,
          body: { id, url: hub.url, origin: hub.origin, secret: hub.secret, emulator: { restUrl, controlUrl, tokens } },
        };
      } catch (error) {
        await emulator.close();
        throw error;
      }
    }
    const match = /^\/hubs\/(\w+)(?:\/(ticket|fault))?$/.exec(path);
    if (!match) return false;
    const running = this.#hubs.get(match[1] ?? "");
    if (!running) return { status: 404, body: { error: "no such hub" } };
    if (method === "DELETE" && !match[2]) {
      this.#hubs.delete(match[1] ?? "");
      await this.#stop(running);
      return { status: 200, body: { closed: true } };
    }
    if (method !== "POST") return { status: 405, body: { error: "use POST" } };
    const body = await readBody();
    if (match[2] === "ticket") return { status: 200, body: { ticket: await running.hub.ticket(body) } };
    await this.#fault(running, body);
    return { status: 200, body: { done: true } };
  }

  /**
   * @param {RunningHub} running
   * @param {{ action?: string, holdMs?: number, downMs?: number }} body
   */
  async #fault({ hub, emulator }, { action, holdMs = 0, downMs = 0 }) {
    if (action === "drop-subscribers") hub.dropSubscribers(holdMs);
    else if (action === "drop-upstream") await emulator.control.drop();
    else if (action === "restart") await hub.restart(downMs);
    else if (action === "evict") await hub.evict();
    else throw new Error(`unknown fault ${action}`);
  }

  /** @param {RunningHub} running */
  async #stop({ hub, emulator }) {
    await hub.close().catch(() => {});
    await emulator.close().catch(() => {});
  }

  /** Stops every hub. */
  async close() {
    const all = [...this.#hubs.values()];
    this.#hubs.clear();
    await Promise.all(all.map((running) => this.#stop(running)));
  }
}
