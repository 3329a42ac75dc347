// @ts-check
// The Node adapters' one piece of setup: an emulator manager (test/support/emulator-manager.js) for the file's
// tests, as test/runtimes/chromium/manager.ts finds the one web-test-runner starts.
import { after, before } from "node:test";
import { startEmulatorManager } from "../../support/emulator-manager.js";

/**
 * Starts an emulator manager before the calling file's tests (after checking that this Node has a global
 * WebSocket) and stops it after them. Read `url` inside a test: it is set once the manager runs.
 * @returns {{ url: string }}
 */
export function useEmulatorManager() {
  const handle = { url: "" };
  /** @type {Awaited<ReturnType<typeof startEmulatorManager>> | undefined} */
  let manager;
  before(async () => {
    if (typeof WebSocket !== "function")
      throw new Error("no global WebSocket: use Node 22+, or Node 20 with --experimental-websocket");
    manager = await startEmulatorManager();
    handle.url = manager.url;
  });
  after(() => manager?.close());
  return handle;
}
